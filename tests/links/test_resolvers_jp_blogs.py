"""Qiita, Zenn and note: author, date, likes and tags from their public APIs."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from apps.links import tasks
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.links.resolvers import resolve
from apps.links.resolvers.jp_blogs import MAX_API_BYTES, jp_blog
from tests import factories
from tests.links.fixtures import allow_local_server, load

JSON = "application/json; charset=utf-8"
QIITA = "https://qiita.com/hanako_y/items/3f9a1c2b7d8e4f5a6b7c"


@pytest.fixture
def local(httpserver: HTTPServer, settings) -> str:
    base = allow_local_server(settings, httpserver)
    settings.QIITA_URL = settings.ZENN_URL = settings.NOTE_URL = base
    return base


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (QIITA, ("qiita", "3f9a1c2b7d8e4f5a6b7c")),
        ("https://zenn.dev/taro_s/articles/a1b2c3d4e5f6a7", ("zenn", "a1b2c3d4e5f6a7")),
        ("https://note.com/jiro_s/n/n1a2b3c4d5e6f", ("note", "n1a2b3c4d5e6f")),
        ("https://zenn.dev/taro_s", None),
        ("https://qiita.com/tags/python", None),
    ],
)
def test_article_addresses(url, expected):
    assert jp_blog(canonicalize(url).canonical_url) == expected


def test_a_qiita_article(local, httpserver):
    httpserver.expect_request("/api/v2/items/3f9a1c2b7d8e4f5a6b7c").respond_with_data(
        load("qiita_item.json"), content_type=JSON
    )

    card = resolve(canonicalize(QIITA))

    assert card.title == "LoRAで日本語LLMをファインチューニングする"
    assert card.authors == ["山田 花子"]
    assert card.published == "2024-05-20T09:12:33+09:00"
    assert card.extra["likes"] == 812
    assert card.extra["stocks"] == 1034
    assert card.extra["tags"] == ["Python", "LLM", "LoRA"]
    assert card.description.startswith("はじめに LoRA で日本語 LLM")
    assert "alert" not in card.description  # the rendered body's script is gone


def test_a_zenn_article(local, httpserver):
    httpserver.expect_request("/api/articles/a1b2c3d4e5f6a7").respond_with_data(
        load("zenn_article.json"), content_type=JSON
    )

    card = resolve(canonicalize("https://zenn.dev/taro_s/articles/a1b2c3d4e5f6a7"))

    assert card.title == "GRPOを手で実装して理解する"
    assert card.authors == ["佐藤 太郎"]
    assert card.extra["likes"] == 245
    assert card.extra["tags"] == ["強化学習", "LLM"]
    assert card.published == "2025-02-10T08:00:00.000+09:00"


def test_a_note_article(local, httpserver):
    httpserver.expect_request("/api/v3/notes/n1a2b3c4d5e6f").respond_with_data(
        load("note_note.json"), content_type=JSON
    )

    card = resolve(canonicalize("https://note.com/jiro_s/n/n1a2b3c4d5e6f"))

    assert card.title == "勉強会で論文を読む習慣の作り方"
    assert card.extra["tags"] == ["機械学習", "勉強会"]
    assert card.extra["likes"] == 156


def test_a_two_megabyte_qiita_answer_falls_back_to_the_page(local, httpserver):
    huge = load("qiita_item.json").replace(b'"body":"', b'"body":"' + b"x" * (2 * 1024 * 1024))
    assert len(huge) > MAX_API_BYTES
    httpserver.expect_request("/api/v2/items/3f9a1c2b7d8e4f5a6b7c").respond_with_data(
        huge, content_type=JSON
    )
    httpserver.expect_request("/hanako_y/items/3f9a1c2b7d8e4f5a6b7c").respond_with_data(
        load("qiita_page.html"), content_type="text/html; charset=utf-8"
    )

    card = resolve(canonicalize(QIITA))

    assert card.title == "LoRAで日本語LLMをファインチューニングする"  # " - Qiita" cut
    assert card.authors == ["hanako_y"]
    assert card.canonical_url == QIITA


@pytest.mark.django_db
def test_the_board_shows_likes_and_tags(member_client, local, httpserver):
    httpserver.expect_request("/api/articles/a1b2c3d4e5f6a7").respond_with_data(
        load("zenn_article.json"), content_type=JSON
    )
    topic = factories.topic(url="https://zenn.dev/taro_s/articles/a1b2c3d4e5f6a7", title="")

    tasks.fetch_link.apply(args=[topic.link_id])

    assert Link.objects.get(pk=topic.link_id).status == "ok"
    board = member_client.get(topic.block.meeting.get_absolute_url()).content.decode()
    card = board[board.index(f'id="link-card-{topic.anchor}"') :][:3000]
    assert "♥ 245" in card
    assert "強化学習" in card


def test_a_hatena_blog_entry_from_its_own_tags(local, httpserver):
    # はてなブログ has no API of its own worth asking: JSON-LD BlogPosting and OpenGraph.
    httpserver.expect_request("/entry/2024/11/03/120000").respond_with_data(
        load("hatena_blog.html"), content_type="text/html; charset=utf-8"
    )

    card = resolve(canonicalize(f"{local}/entry/2024/11/03/120000"))

    assert card.title == "Transformerの位置埋め込みを整理した"  # the blog's name cut
    assert card.authors == ["ml-taro"]
    assert card.published == "2024-11-03T12:00:00+09:00"  # JSON-LD, not the epoch seconds
    assert card.site_name == "ML太郎の技術ブログ"
    assert card.extra["page_language"] == "ja"
