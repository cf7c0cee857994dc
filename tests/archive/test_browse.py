"""Archive browsing: years and months, a member's page, a kind's page, a source URL's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.links import services as link_services
from apps.links.categories import category_names
from apps.links.metadata import Metadata
from apps.search import indexing
from apps.topics.models import Topic
from tests import factories

pytestmark = pytest.mark.django_db


def test_archive_lists_years_with_counts(member_client, corpus):
    html = member_client.get("/archive/").content.decode()
    assert html.index('href="/archive/2025/"') < html.index('href="/archive/2024/"')
    assert "2回 · トピック5件" in html  # 2025: T1–T3 on 03-28, T4 and T6 on 01-10


def test_year_page_groups_meetings_by_month(member_client, corpus):
    html = member_client.get("/archive/2025/").content.decode()
    assert html.index('id="month-1"') < html.index('id="month-3"')
    assert 'href="/archive/2025/1/"' in html
    assert "LLM特別回" in html
    assert "トピック2件" in html
    assert "メインTOPIC" in html
    assert "Reflective Memory Management" in html
    assert member_client.get("/archive/1999/").status_code == 200


def test_month_page_shows_each_meetings_agenda(member_client, corpus):
    t4 = corpus.objects["T4"]
    html = member_client.get("/archive/2025/1/").content.decode()
    assert f'href="/meetings/2025-01-10/#topic-{t4.pk}"' in html
    assert "@Naoto Shimakoshi" in html
    assert "[論文]" in html
    assert member_client.get("/archive/2025/13/").status_code == 404


def test_member_page_lists_their_topics_and_deep_dives(member_client, corpus):
    html = member_client.get("/archive/members/naoto/").content.decode()
    assert "Scaling Laws for Neural Language Models" in html
    assert "メモリリークの調べ方" in html
    assert "Reflective Memory Management" in html
    assert "Memray" not in html  # fr's topic
    assert "トピック2件" in html
    assert "メインTOPIC1回" in html
    assert "コメント1件" in html
    assert member_client.get("/archive/members/NAOTO/").status_code == 200
    assert member_client.get("/archive/members/nobody/").status_code == 404


def test_kind_pages(member_client, corpus):
    html = member_client.get("/archive/kinds/oss/").content.decode()
    assert "Memray" in html
    assert "Pythonのプロファイラ比較" in html
    assert "Scaling Laws" not in html
    assert "Scaling Laws" in member_client.get("/archive/kinds/論文/").content.decode()
    assert member_client.get("/archive/kinds/video/").status_code == 404


def test_link_page_gathers_every_meeting_that_discussed_the_same_paper(member_client, corpus):
    later = factories.meeting(date=dt.date(2026, 2, 6))
    again = factories.topic(
        meeting=later,
        kind=Topic.Kind.PAPER,
        title="Scaling Laws 再訪",
        url="http://arxiv.org/pdf/2001.08361v2.pdf",
    )
    indexing.index_topic(again.pk)
    t4 = corpus.objects["T4"]

    html = member_client.get(
        "/archive/links/", {"url": "https://huggingface.co/papers/2001.08361"}
    ).content.decode()
    assert "arXiv 2001.08361" in html
    assert html.index(f"#topic-{again.pk}") < html.index(f"#topic-{t4.pk}")
    assert "2回話題になりました" in html
    assert "コメント1件" in html  # R4 on T4


def test_link_page_shows_the_fetched_card_of_the_paper(member_client, corpus):
    topic = factories.topic(url="https://arxiv.org/abs/1706.03762", title="Transformer 原論文")
    metadata = Metadata(
        title="Attention Is All You Need",
        authors=["Ashish Vaswani", "Noam Shazeer"],
        extra={
            "categories": ["cs.CL", "cs.LG"],
            "category_names": category_names(["cs.CL", "cs.LG"]),
        },
    )
    link_services.link_store_metadata(link=topic.link, metadata=metadata, thumbnail_webp=None)
    indexing.index_topic(topic.pk)  # this test's transaction never commits

    html = member_client.get(
        "/archive/links/", {"url": "https://arxiv.org/pdf/1706.03762v7"}
    ).content.decode()

    assert "Attention Is All You Need" in html
    assert "Ashish Vaswani" in html
    assert 'href="/archive/categories/cs.CL/"' in html
    assert f"#topic-{topic.pk}" in html


def test_link_page_for_a_deep_dive_paper_and_for_nothing(member_client, corpus):
    html = member_client.get(
        "/archive/links/", {"url": "https://arxiv.org/abs/2503.08026"}
    ).content.decode()
    assert 'href="/meetings/2025-03-28/#deep-dive"' in html
    assert (
        "http(s) の URL を入れてください"
        in member_client.get("/archive/links/", {"url": "javascript:alert(1)"}).content.decode()
    )
    assert member_client.get("/archive/links/").status_code == 200


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/archive/",
        "/archive/2025/",
        "/archive/2025/3/",
        "/archive/members/naoto/",
        "/archive/kinds/blog/",
        "/archive/links/?url=https://example.com/x",
    ],
)
def test_browse_pages_use_a_fixed_number_of_queries(member_client, url):
    naoto = factories.MemberFactory(handle="naoto")
    meetings = [factories.meeting(date=dt.date(2025, 3, d)) for d in (6, 13)]

    def grow(n):
        for meeting in meetings:
            for i in range(n):
                person = naoto if i % 2 == 0 else factories.MemberFactory()
                topic = factories.topic(
                    meeting=meeting, presenter=person, url="https://example.com/x", title=f"t{i}"
                )
                factories.remark(topic=topic)
            indexing.index_meeting(meeting.pk)

    grow(1)
    small = _queries(member_client, url)
    grow(6)
    assert _queries(member_client, url) == small
