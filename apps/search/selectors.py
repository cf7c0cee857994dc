"""Reads for search: one parsed query in, a page of ranked hits with facets out.

A search costs a fixed number of queries whatever the archive's size: one pass over the matches
for the total, the facets and the page's ids; one for the page's entries; one for the facet's
member names; and, only when needed, one to check `by:` handles and one for deep dives that
hold several terms in different sections.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import add, and_, or_

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.topics.models import Topic

from .backends import get_backend
from .models import SearchEntry
from .query import SearchQuery
from .snippets import highlight, match_spans, snippet

PER_PAGE = 20
SNIPPET_WINDOW = 400  # characters examined for a snippet's highlights (it shows 160)
FACET_PRESENTERS = 12


def _filtered(entries: QuerySet[SearchEntry], query: SearchQuery) -> QuerySet[SearchEntry]:
    if query.kinds:
        entries = entries.filter(kind__in=query.kinds)
    if query.not_kinds:
        entries = entries.exclude(kind__in=query.not_kinds)
    if query.sources:
        entries = entries.filter(source__in=query.sources)
    if query.not_sources:
        entries = entries.exclude(source__in=query.not_sources)
    if query.handles:
        entries = entries.filter(presenter__handle__in=query.handles)
    if query.not_handles:
        entries = entries.exclude(presenter__handle__in=query.not_handles)
    if query.urls:
        entries = entries.filter(url_key__in=query.urls)
    if query.after:
        entries = entries.filter(meeting_date__gte=query.after)
    if query.before:
        entries = entries.filter(meeting_date__lt=query.before)
    return entries


def sections_of_whole_deep_dives(query: SearchQuery) -> list[int]:
    """Deep-dive sections that hold some of the terms, in deep dives that hold them all.

    One query, run only for several terms. Returning the sections' ids (a few at most per
    deep dive) keeps the main query a union of index lookups on every database.
    """
    backend = get_backend()
    conditions = [backend.condition(term) for term in query.terms]
    sections = SearchEntry.objects.filter(
        source=SearchEntry.Source.DEEP_DIVE, deep_dive_id__isnull=False
    )
    found = sections.filter(reduce(or_, conditions))
    for condition in conditions:
        found = found.filter(deep_dive_id__in=sections.filter(condition).values("deep_dive_id"))
    return list(found.values_list("id", flat=True))


def matching_entries(
    query: SearchQuery, *, sections: list[int] | None = None
) -> QuerySet[SearchEntry]:
    """Every index entry the query selects, unordered.

    `sections` (from :func:`sections_of_whole_deep_dives`) also match: with several terms a
    deep dive counts as one document, its sections are only where a hit lands.
    """
    backend = get_backend()
    entries = SearchEntry.objects.all()
    conditions = [backend.condition(term) for term in query.terms]
    if conditions:
        every = reduce(and_, conditions)
        if sections:
            every |= Q(id__in=sections)
        entries = entries.filter(every)
    for term in query.excluded:
        entries = entries.exclude(backend.condition(term))
    return _filtered(entries, query)


def ranked(
    entries: QuerySet[SearchEntry], query: SearchQuery, *, sections: list[int] | None = None
) -> QuerySet[SearchEntry]:
    """Best field first (title > link metadata > notes > remarks), then the newest meeting."""
    backend = get_backend()
    scores = [backend.score(t, absent_in=sections) for t in query.terms]
    score = reduce(add, scores) if scores else Value(0)
    return entries.annotate(score=score).order_by("-score", "-meeting_date", "-id")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    query: str  # the query string with this value toggled
    active: bool


@dataclass(frozen=True)
class Hit:
    entry: SearchEntry
    title_html: SafeString
    snippet_html: SafeString

    @property
    def url(self) -> str:
        return self.entry.hit_url


@dataclass
class SearchResults:
    query: SearchQuery
    total: int = 0
    page: Page | None = None
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return not self.query.is_empty


def _facets(query: SearchQuery, groups: list[dict]) -> tuple[int, dict[str, list[FacetValue]]]:
    total = 0
    kinds: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    presenters: Counter[int] = Counter()
    years: Counter[int] = Counter()
    for row in groups:
        n = row["n"]
        total += n
        kinds[row["kind"]] += n
        sources[row["source"]] += n
        presenters[row["presenter_id"]] += n
        years[row["year"]] += n

    kind_labels = dict(Topic.Kind.choices)
    source_labels = dict(SearchEntry.Source.choices)
    top = presenters.most_common(FACET_PRESENTERS)
    people = User.objects.in_bulk([pk for pk, _n in top]) if top else {}
    facets = {
        "kind": [
            FacetValue(
                k,
                str(kind_labels.get(k, k)),
                n,
                query.toggled("kind", k),
                query.has_filter("kind", k),
            )
            for k, n in kinds.most_common()
        ],
        "source": [
            FacetValue(
                s,
                str(source_labels.get(s, s)),
                n,
                query.toggled("in", s),
                query.has_filter("in", s),
            )
            for s, n in sources.most_common()
        ],
        "presenter": [
            FacetValue(
                people[pk].handle,
                people[pk].display_name,
                n,
                query.toggled("by", people[pk].handle),
                query.has_filter("by", people[pk].handle),
            )
            for pk, n in top
            if pk in people
        ],
        "year": [
            FacetValue(str(y), str(y), n, query.toggled_year(y), query.year_span() == y)
            for y, n in sorted(years.items(), reverse=True)
        ],
    }
    return total, facets


def _hit(entry: SearchEntry, query: SearchQuery) -> Hit:
    phrases = [term.phrase for term in query.terms]
    # The snippet comes from the body, or from the link text when only that matched.
    text, spans = entry.body, match_spans(entry.body, phrases, window=SNIPPET_WINDOW)
    if (
        not spans
        and entry.links
        and (link_spans := match_spans(entry.links, phrases, window=SNIPPET_WINDOW))
    ):
        text, spans = entry.links, link_spans
    return Hit(
        entry=entry,
        title_html=highlight(entry.title or entry.context, phrases),
        snippet_html=snippet(text, phrases, spans=spans),
    )


def _page_number(page: int | str | None) -> int:
    try:
        return max(1, int(page or 1))
    except (TypeError, ValueError):
        return 1


# One pass over the matches gives the facet counts (hence the total) and a page of ids: on a
# query that matches half the archive, visiting those rows twice would double its cost.
_SINGLE_SCAN_SQL = """
WITH hits AS MATERIALIZED ({hits})
SELECT kind, source, presenter_id, year, COUNT(*), CAST(NULL AS bigint)
FROM hits GROUP BY kind, source, presenter_id, year
UNION ALL
SELECT * FROM (
    SELECT CAST(NULL AS varchar), CAST(NULL AS varchar), CAST(NULL AS bigint),
           CAST(NULL AS integer), CAST(NULL AS bigint), id FROM hits
    ORDER BY score DESC, meeting_date DESC, id DESC LIMIT %s OFFSET %s
) AS page
"""


def _one_pass(
    scored: QuerySet[SearchEntry], *, limit: int, offset: int
) -> tuple[list[dict], list[int]]:
    hits_sql, params = (
        scored.order_by()
        .values("id", "kind", "source", "presenter_id", "year", "meeting_date", "score")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(_SINGLE_SCAN_SQL.format(hits=hits_sql), [*params, limit, offset])
        rows = cursor.fetchall()
    groups = [
        {"kind": r[0], "source": r[1], "presenter_id": r[2], "year": r[3], "n": r[4]}
        for r in rows
        if r[5] is None
    ]
    return groups, [r[5] for r in rows if r[5] is not None]


def search(
    query: SearchQuery, *, page: int | str | None = 1, per_page: int = PER_PAGE
) -> SearchResults:
    results = SearchResults(query=query, messages=list(query.messages))
    if query.is_empty:
        return results
    handles = set(query.handles + query.not_handles)
    backend = get_backend()
    with backend.planner_hints():
        if handles:
            known = set(User.objects.filter(handle__in=handles).values_list("handle", flat=True))
            for handle in sorted(handles - known):
                results.messages.append(
                    _("ハンドル「%(handle)s」のメンバーはいません。") % {"handle": handle}
                )
        sections = sections_of_whole_deep_dives(query) if len(query.terms) > 1 else None
        scored = ranked(matching_entries(query, sections=sections), query, sections=sections)
        number = _page_number(page)
        groups, ids = _one_pass(scored, limit=per_page, offset=(number - 1) * per_page)
        results.total, results.facets = _facets(query, groups)
        last = max(1, -(-results.total // per_page))
        if number > last:  # past the end (an old link): show the last page, as get_page does
            number = last
            _groups, ids = _one_pass(scored, limit=per_page, offset=(number - 1) * per_page)
        by_id = SearchEntry.objects.select_related("presenter").in_bulk(ids)
    paginator = Paginator(range(results.total), per_page)
    results.page = Page([by_id[pk] for pk in ids if pk in by_id], number, paginator)
    results.hits = [_hit(entry, query) for entry in results.page.object_list]
    return results
