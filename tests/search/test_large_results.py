"""Large results: estimated total and facets, the same hits in the same order, every hit reachable.

The threshold for estimates is lowered so that a small archive counts as large; the samples are
what the app uses (apps.search.backends.SAMPLE_RATES), so these run the real code on both
databases, with the dense sample or (when its threshold is lowered too) the sparse one.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from apps.search import indexing, selectors
from apps.search.models import SearchEntry
from apps.search.query import parse_query
from apps.search.selectors import rounded, search
from apps.topics.models import Topic
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/search/"


@pytest.fixture
def archive():
    """~200 entries with 蒸留 in titles, notes, remarks and a presenter's name, over 4 meetings,
    so that scores and dates both decide the order."""
    people = [
        factories.MemberFactory(handle=f"p{i}", display_name=name)
        for i, name in enumerate(["Aoi Mori", "Ren Ota", "蒸留 Taro"])
    ]
    for week in range(4):
        meeting = factories.meeting(date=dt.date(2024, 1, 5) + dt.timedelta(weeks=week))
        for i in range(40):
            presenter = people[i % 3]
            in_title = i % 5 == 0
            topic = factories.topic(
                meeting=meeting,
                presenter=presenter,
                kind=[Topic.Kind.PAPER, Topic.Kind.BLOG, Topic.Kind.OSS][i % 3],
                title=f"知識蒸留 {week}-{i}" if in_title else f"量子化 {week}-{i}",
                notes="- 蒸留で小さく" if i % 2 else "- 速い",
            )
            if i % 4 == 0:
                factories.remark(topic=topic, author=people[(i + 1) % 3], body="蒸留は難しい")
        indexing.index_meeting(meeting.pk)


def _every_page(q: str, per_page: int) -> tuple[list[int], list[bool]]:
    ids, approximate, number = [], [], 1
    while True:
        results = search(parse_query(q), page=number, per_page=per_page)
        ids += [hit.entry.pk for hit in results.hits]
        approximate.append(results.approximate)
        if not results.page.has_next():
            return ids, approximate
        number += 1


def _exact_order(q: str) -> list[int]:
    query = parse_query(q)
    return list(
        selectors.ranked(selectors.matching_entries(query), query).values_list("id", flat=True)
    )


@pytest.mark.parametrize("q", ["蒸留", "留", "蒸留 kind:paper", "by:p1", "蒸留 -速い"])
@pytest.mark.parametrize("per_page", [7, 20])
@pytest.mark.parametrize("sparse_enough", [1, selectors.SPARSE_ENOUGH])
def test_paging_reaches_every_hit_in_rank_order_when_counts_are_estimated(
    archive, monkeypatch, q, per_page, sparse_enough
):
    exact = _every_page(q, per_page)[0]
    monkeypatch.setattr(selectors, "EXACT_UP_TO", 16)
    monkeypatch.setattr(selectors, "SPARSE_ENOUGH", sparse_enough)
    estimated = _every_page(q, per_page)[0]
    assert estimated == exact == _exact_order(q)
    assert len(set(estimated)) == len(estimated)


@pytest.mark.parametrize("q", ["蒸留", "留", "by:p1"])
def test_the_first_page_of_a_large_result_is_estimated(archive, monkeypatch, q):
    monkeypatch.setattr(selectors, "EXACT_UP_TO", 16)
    # The sparse sample (one in 128) may hold none of ~100 matches and call them few.
    monkeypatch.setattr(selectors, "SPARSE", selectors.DENSE)
    assert _every_page(q, 7)[1][0], "the sample sees more than 16 matches"


def test_an_estimated_total_and_facets_are_said_to_be_approximate(
    archive, monkeypatch, member_client
):
    exact = search(parse_query("蒸留"))
    assert not exact.approximate
    assert "約" not in member_client.get(URL, {"q": "蒸留"}).content.decode()

    monkeypatch.setattr(selectors, "EXACT_UP_TO", 16)
    estimated = search(parse_query("蒸留"))
    assert estimated.approximate
    assert [h.entry.pk for h in estimated.hits] == [h.entry.pk for h in exact.hits]
    # The sample's figures scaled up: near the truth, not equal to it by construction.
    assert 0.5 * exact.total <= estimated.total <= 1.5 * exact.total
    assert {f.value for f in estimated.facets["kind"]} <= {f.value for f in exact.facets["kind"]}

    html = member_client.get(URL, {"q": "蒸留"}).content.decode()
    assert f"約{estimated.total_display}件見つかりました(件数は概数です)" in html
    assert '<span class="count">約' in html
    assert f"1 / 約{estimated.page.paginator.num_pages} ページ" in html


def test_a_page_past_the_end_of_an_estimated_result_shows_the_last_page(archive, monkeypatch):
    monkeypatch.setattr(selectors, "EXACT_UP_TO", 16)
    total = SearchEntry.objects.count()  # more than the hits: a page number past the end
    results = search(parse_query("蒸留"), page=total, per_page=20)
    assert results.hits
    assert not results.page.has_next()
    assert results.page.object_list[-1].pk == _exact_order("蒸留")[-1]


def test_small_results_count_exactly(archive):
    results = search(parse_query("蒸留 by:p0 kind:blog"))
    assert not results.approximate
    assert results.total == len(_exact_order("蒸留 by:p0 kind:blog"))


@pytest.mark.parametrize(
    ("n", "shown"),
    [(7, 7), (99, 99), (100, 100), (87_104, 87_000), (12_345, 12_000), (9_960, 10_000)],
)
def test_estimates_are_shown_to_two_significant_digits(n, shown):
    assert rounded(n) == shown


def test_the_search_command_says_when_a_total_is_estimated(archive, monkeypatch, capsys):
    monkeypatch.setattr(selectors, "EXACT_UP_TO", 16)

    call_command("search", "蒸留")
    assert capsys.readouterr().out.startswith("約")

    call_command("search", "蒸留", "--json")
    assert json.loads(capsys.readouterr().out)["total_is_estimate"] is True
