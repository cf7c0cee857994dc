"""GitHub issues, pull requests, discussions, releases and gists get cards of their own."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import FetchError
from apps.links import tasks
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.links.resolvers import resolve
from tests import factories
from tests.links.fixtures import allow_local_server, load

JSON = "application/json; charset=utf-8"


@pytest.fixture
def api(httpserver: HTTPServer, settings) -> HTTPServer:
    base = allow_local_server(settings, httpserver)
    settings.GITHUB_API_URL = base
    settings.GITHUB_WEB_URL = base
    settings.GITHUB_SOCIAL_IMAGE_URL = base + "/og"
    settings.GITHUB_TOKEN = ""
    return httpserver


def serve(api: HTTPServer, path: str, fixture: str, content_type: str = JSON) -> None:
    api.expect_request(path).respond_with_data(load(fixture), content_type=content_type)


def test_an_issue_card(api):
    serve(api, "/repos/karpathy/nanogpt/issues/123", "github_issue.json")

    card = resolve(canonicalize("https://github.com/karpathy/nanoGPT/issues/123#issue-1"))

    assert card.title == "Loss goes NaN with bf16 on A100 when block_size > 1024"
    assert card.authors == ["hanako-y"]
    assert card.canonical_url == "https://github.com/karpathy/nanoGPT/issues/123"
    assert card.extra == {
        "github_type": "issue",
        "repo": "karpathy/nanoGPT",
        "state": "closed",
        "number": 123,
        "comments": 7,
        "labels": ["bug", "training"],
    }
    assert card.image_url == f"http://127.0.0.1:{api.port}/og/1/karpathy/nanoGPT/issues/123"
    assert "<details>" not in card.description  # the body is shown as plain text
    assert card.published == "2023-03-06T12:01:44Z"


def test_a_merged_pull_request_card(api):
    serve(api, "/repos/karpathy/nanogpt/pulls/45", "github_pull.json")

    card = resolve(canonicalize("https://github.com/karpathy/nanoGPT/pull/45/files"))

    assert card.title == "Use F.scaled_dot_product_attention when available"
    assert (card.extra["github_type"], card.extra["state"]) == ("pull", "merged")
    assert card.authors == ["taro-s"]


def test_a_release_card(api):
    serve(api, "/repos/vllm-project/vllm/releases/tags/v0.6.3", "github_release.json")

    card = resolve(canonicalize("https://github.com/vllm-project/vllm/releases/tag/v0.6.3"))

    assert card.title == "v0.6.3"
    assert card.extra["tag"] == "v0.6.3"
    assert card.extra["state"] == "release"
    assert card.published == "2024-10-14T20:06:19Z"


def test_a_gist_card(api):
    serve(api, "/gists/d4dee566867f8291f086", "github_gist.json")

    card = resolve(canonicalize("https://gist.github.com/karpathy/d4dee566867f8291f086"))

    assert card.title.startswith("Minimal character-level language model")
    assert card.authors == ["karpathy"]
    assert card.extra["files"] == ["min-char-rnn.py"]
    assert card.site_name == "GitHub Gist"


def test_a_discussion_card_from_its_page(api):
    serve(api, "/karpathy/nanogpt/discussions/310", "github_discussion.html", "text/html")

    card = resolve(canonicalize("https://github.com/karpathy/nanoGPT/discussions/310"))

    assert card.title == "How to reproduce the GPT-2 124M numbers?"
    assert card.extra["github_type"] == "discussion"
    assert card.extra["number"] == 310


def test_a_missing_issue_says_not_found(api):
    api.expect_request("/repos/karpathy/nanogpt/issues/99999").respond_with_json(
        {"message": "Not Found"}, status=404
    )
    with pytest.raises(FetchError) as excinfo:
        resolve(canonicalize("https://github.com/karpathy/nanoGPT/issues/99999"))
    assert "見つかりません" in excinfo.value.message
    assert not excinfo.value.transient


@pytest.mark.django_db
def test_the_board_shows_an_issue_card_not_the_repository(member_client, api):
    serve(api, "/repos/karpathy/nanogpt/issues/123", "github_issue.json")
    topic = factories.topic(url="https://github.com/karpathy/nanoGPT/issues/123", title="")

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert link.card_url == "https://github.com/karpathy/nanoGPT/issues/123"
    board = member_client.get(topic.block.meeting.get_absolute_url()).content.decode()
    card = board[board.index(f'id="link-card-{topic.anchor}"') :][:3000]
    assert "クローズ" in card
    assert "Issue #123" in card
    assert "karpathy/nanoGPT" in card
    assert "★" not in card  # not the repository's card
