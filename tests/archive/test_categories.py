"""Archive pages per arXiv category: the index of categories and one page per category."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.links.categories import category_names
from apps.links.metadata import Metadata
from apps.links.models import Link
from apps.links.services import link_store_metadata
from apps.topics.models import Topic
from apps.topics.services import topic_delete
from tests import factories

pytestmark = pytest.mark.django_db

RAG_SURVEY = "https://arxiv.org/abs/2312.10997"
RAG = "https://arxiv.org/abs/2005.11401"


def fetched(link: Link, *categories: str, title: str) -> Link:
    """The link as the arXiv resolver leaves it: primary category first, then cross-lists."""
    extra = {
        "primary_category": categories[0],
        "categories": list(categories),
        "category_names": category_names(list(categories)),
    }
    metadata = Metadata(title=title, site_name="arXiv", suggested_kind="paper", extra=extra)
    return link_store_metadata(link=link, metadata=metadata, thumbnail_webp=None)


@dataclass
class Papers:
    t4: Topic  # Scaling Laws: cs.LG, stat.ML
    t8: Topic  # a blog topic whose extra link is the RAG survey: cs.CL
    t9: Topic  # RAG: cs.CL, cs.LG, and the RAG survey as an extra link (cs.CL again)
    gone: Topic  # deleted, cites the RAG survey
    unfetched: Topic  # its paper has not been fetched yet


@pytest.fixture
def papers(corpus) -> Papers:
    """The corpus, its two arXiv links fetched, and a later meeting about RAG papers."""
    t4 = corpus.objects["T4"]
    fetched(t4.link, "cs.LG", "stat.ML", title="Scaling Laws for Neural Language Models")
    fetched(
        corpus.objects["D"].link,
        "cs.CL",
        "cs.AI",
        title="In Prospect and Retrospect: Reflective Memory Management",
    )
    june = factories.meeting(date=dt.date(2025, 6, 6), title="RAG回")
    shun = factories.MemberFactory(handle="shun")
    fr = factories.MemberFactory(handle="fr")
    t8 = factories.topic(
        meeting=june,
        presenter=shun,
        title="RAGの評価指標まとめ",
        url="https://example.com/rag-metrics",
        extra_links=[("論文", RAG_SURVEY)],
    )
    t9 = factories.topic(
        meeting=june,
        presenter=fr,
        kind=Topic.Kind.PAPER,
        title="RAGの原論文を読む",
        url=RAG,
        extra_links=[("サーベイ", RAG_SURVEY)],
    )
    gone = factories.topic(meeting=june, presenter=fr, title="消したトピック", url=RAG_SURVEY)
    topic_delete(topic=gone)
    unfetched = factories.topic(
        meeting=june, presenter=fr, title="Attention再訪", url="https://arxiv.org/abs/1706.03762"
    )
    fetched(
        Link.objects.get(key="2312.10997"),
        "cs.CL",
        title="Retrieval-Augmented Generation for Large Language Models: A Survey",
    )
    fetched(
        t9.link,
        "cs.CL",
        "cs.LG",
        title="Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks",
    )
    return Papers(t4=t4, t8=t8, t9=t9, gone=gone, unfetched=unfetched)


def test_index_lists_the_categories_seen_with_counts_most_discussed_first(member_client, papers):
    html = member_client.get("/archive/categories/").content.decode()

    order = [
        html.index(f'href="/archive/categories/{code}/"')
        for code in ("cs.CL", "cs.LG", "cs.AI", "stat.ML")
    ]
    assert order == sorted(order)
    assert "Computation and Language" in html
    # cs.CL: the deep dive, t8 (extra link) and t9 (source and extra link, counted once)
    assert "論文3本 · 3件" in html
    assert "論文2本 · 2件" in html  # cs.LG: Scaling Laws (t4) and RAG cross-listed (t9)
    assert "cs.CV" not in html  # no paper of ours is in it
    assert 'href="/archive/categories/"' in html  # the archive navigation links here


def test_index_without_fetched_papers_says_so(member_client, corpus):
    html = member_client.get("/archive/categories/").content.decode()
    assert "まだ取得済みのarXiv論文がありません" in html


def test_category_page_lists_topics_and_deep_dives_newest_meeting_first(
    member_client, papers, corpus
):
    html = member_client.get("/archive/categories/cs.CL/").content.decode()

    assert "Computation and Language" in html
    assert "3件" in html
    t8 = html.index(f'href="/meetings/2025-06-06/#topic-{papers.t8.pk}"')
    t9 = html.index(f'href="/meetings/2025-06-06/#topic-{papers.t9.pk}"')
    deep_dive = html.index('href="/meetings/2025-03-28/#deep-dive"')
    assert t8 < t9 < deep_dive  # agenda order within a meeting, then the older meeting
    assert html.count(f"#topic-{papers.t9.pk}") == 1
    assert "RAGの評価指標まとめ" in html
    assert "@Shun Ito" in html
    assert "@Takumi Iida" in html
    assert 'href="/archive/members/naoto/"' in html  # the deep dive's presenter
    # The card title: for t8, the paper its extra link points at.
    assert "Retrieval-Augmented Generation for Large Language Models: A Survey" in html
    assert "メインTOPIC" in html
    assert "2025-03-28" in html
    assert "消したトピック" not in html
    assert "Attention再訪" not in html
    assert "Scaling Laws" not in html


def test_cross_listed_categories_have_the_paper_too(member_client, papers):
    machine_learning = member_client.get("/archive/categories/cs.LG/").content.decode()
    assert f"#topic-{papers.t9.pk}" in machine_learning  # RAG: primary cs.CL, cross-listed cs.LG
    assert f"#topic-{papers.t4.pk}" in machine_learning
    assert "Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks" in machine_learning

    artificial_intelligence = member_client.get("/archive/categories/cs.AI/").content.decode()
    assert "#deep-dive" in artificial_intelligence
    assert "#topic-" not in artificial_intelligence


def test_a_real_category_nobody_presented_is_an_empty_page(member_client, papers):
    response = member_client.get("/archive/categories/hep-th/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "High Energy Physics - Theory" in html
    assert "このカテゴリの論文はまだ話題になっていません" in html


def test_an_unknown_category_is_not_found(member_client, papers):
    for code in ("cs.XX", "nonsense", "cs.CL.x"):
        response = member_client.get(f"/archive/categories/{code}/")
        assert response.status_code == 404
        assert "ページが見つかりません" in response.content.decode()


def test_a_category_new_to_our_table_but_on_a_fetched_paper_has_its_page(member_client):
    topic = factories.topic(kind=Topic.Kind.PAPER, url="https://arxiv.org/abs/2506.00001")
    fetched(topic.link, "cs.QZ", title="A Paper in a Brand New Category")

    assert "cs.QZ" in member_client.get("/archive/categories/").content.decode()
    html = member_client.get("/archive/categories/cs.QZ/").content.decode()
    assert f"#topic-{topic.pk}" in html


def test_a_category_typed_in_another_case_redirects(member_client, papers):
    response = member_client.get("/archive/categories/cs.cl/")
    assert response.status_code == 301
    assert response["Location"] == "/archive/categories/cs.CL/"


def test_category_page_is_paginated(member_client):
    link = None
    older, newer = (
        factories.meeting(date=dt.date(2024, 1, 5)),
        factories.meeting(date=dt.date(2024, 2, 2)),
    )
    for i in range(52):
        topic = factories.topic(
            meeting=newer if i < 50 else older,
            title=f"蒸留 {i}",
            url="https://arxiv.org/abs/2402.13116",
        )
        link = topic.link
    fetched(link, "cs.CL", title="A Survey on Knowledge Distillation of Large Language Models")

    first = member_client.get("/archive/categories/cs.CL/").content.decode()
    assert first.count("2024-02-02</time>") == 50
    assert "2024-01-05</time>" not in first
    assert "52件" in first
    assert 'rel="next" href="?page=2"' in first

    second = member_client.get("/archive/categories/cs.CL/", {"page": 2}).content.decode()
    assert second.count("2024-01-05</time>") == 2
    assert 'rel="prev"' in second


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/archive/categories/", "/archive/categories/cs.CL/"])
def test_category_pages_use_a_fixed_number_of_queries(member_client, url):
    paper = "https://arxiv.org/abs/2402.13116"
    first = factories.meeting(date=dt.date(2025, 3, 6))
    deep_dive = factories.deep_dive(meeting=first, paper_url=paper)
    factories.topic(meeting=first, kind=Topic.Kind.PAPER, url=paper)
    fetched(deep_dive.link, "cs.CL", "cs.LG", title="Knowledge Distillation of LLMs")
    assert (
        member_client.get("/archive/categories/cs.CL/").content.decode().count("archive-topic ")
        == 2
    )
    small = _queries(member_client, url)

    second = factories.meeting(date=dt.date(2025, 3, 13))
    factories.deep_dive(meeting=second, paper_url=paper)
    for i in range(7):
        # Every other one cites the paper as an extra link, through another member.
        if i % 2:
            factories.topic(
                meeting=second, url=f"https://example.com/{i}", extra_links=[("論文", paper)]
            )
        else:
            factories.topic(meeting=first, kind=Topic.Kind.PAPER, url=paper)
    assert (
        member_client.get("/archive/categories/cs.CL/").content.decode().count("archive-topic ")
        == 10
    )
    assert _queries(member_client, url) == small


@pytest.mark.parametrize("url", ["/archive/categories/", "/archive/categories/cs.CL/"])
def test_category_pages_need_a_login_unless_the_board_is_public(client, settings, papers, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))

    settings.BOARD_PUBLIC_READ = True
    assert client.get(url).status_code == 200


def test_arxiv_cards_link_their_categories_to_the_category_pages(member_client, papers):
    html = member_client.get("/meetings/2025-01-10/").content.decode()
    assert 'href="/archive/categories/cs.LG/"' in html
    assert 'href="/archive/categories/stat.ML/"' in html


def test_a_card_with_an_odd_imported_category_still_renders(member_client):
    topic = factories.topic(kind=Topic.Kind.PAPER, url="https://arxiv.org/abs/2506.00002")
    fetched(topic.link, "cs.CL", title="Odd")
    Link.objects.filter(pk=topic.link_id).update(
        extra={"categories": ["a/b"], "category_names": {"a/b": "Imported"}}
    )

    response = member_client.get(topic.block.meeting.get_absolute_url())
    assert response.status_code == 200
    assert 'href="/archive/categories/a%2Fb/"' in response.content.decode()
    assert "a/b" not in member_client.get("/archive/categories/").content.decode()
