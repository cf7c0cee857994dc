"""Reads for search: one parsed query in, a page of ranked hits with facets out.

A search costs a fixed number of queries whatever the archive's size. First a sample (the
matches among one entry in 128, or in 16 when that says too little; apps.search.backends)
estimates how many there are:

- up to EXACT_UP_TO matches, one pass over them gives the exact total, the exact facets and the
  page's ids;
- beyond that, the total and the facets are the sample's figures scaled up and shown as
  approximate ("約12,000件"), and the page comes from apps.search.ranking without visiting
  every match. The hits and their order are the same as an exact pass would give, and paging
  goes on while there are hits, so every match can still be reached.

Then one query for the page's entries and one for the facet's member names; and, only when
needed, one to check `by:` handles and one for deep dives that hold several terms in different
sections.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import add
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet, Value
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.papers.models import Paper
from apps.topics.models import Topic

from . import counting, ranking
from .backends import DENSE, SPARSE, get_backend, score
from .models import SearchEntry
from .query import SearchQuery
from .snippets import highlight, match_spans, snippet

PER_PAGE = 20
SNIPPET_WINDOW = 240  # characters examined for a snippet's highlights (it shows 160)
FACET_PRESENTERS = 12
# Up to this many matches (as the sample estimates them) the total and facets are exact: small
# results are where people count, and one pass over them stays within a few tens of ms (a
# phrase is checked on every row the index finds, in the notes' vector read from TOAST).
EXACT_UP_TO = 5_000
# Matches in the sparse sample that make its figures good enough (±5% on the total).
SPARSE_ENOUGH = 400


def presenter_ids(handles: list[str]) -> dict[str, int]:
    """The members behind `by:` handles, as ids: the filter is then an index lookup."""
    return dict(User.objects.filter(handle__in=handles).values_list("handle", "pk"))


def _papers_tagged(slugs: list[str]) -> QuerySet[Any, Any]:
    """Ids of papers with any of these tags, as a subquery: one row per entry, no join."""
    return Paper.tags.through.objects.filter(tag__slug__in=slugs).values("paper_id")


def _filtered(
    entries: QuerySet[SearchEntry], query: SearchQuery, people: dict[str, int]
) -> QuerySet[SearchEntry]:
    if query.kinds:
        entries = entries.filter(kind__in=query.kinds)
    if query.not_kinds:
        entries = entries.exclude(kind__in=query.not_kinds)
    if query.sources:
        entries = entries.filter(source__in=query.sources)
    if query.not_sources:
        entries = entries.exclude(source__in=query.not_sources)
    if query.handles:
        entries = entries.filter(presenter_id__in=[people[h] for h in query.handles if h in people])
    if query.not_handles:
        entries = entries.exclude(
            presenter_id__in=[people[h] for h in query.not_handles if h in people]
        )
    if query.tags:
        entries = entries.filter(paper_id__in=_papers_tagged(query.tags))
    if query.not_tags:
        entries = entries.exclude(paper_id__in=_papers_tagged(query.not_tags))
    if query.urls:
        entries = entries.filter(url_key__in=query.urls)
    if query.after:
        entries = entries.filter(meeting_date__gte=query.after)
    if query.before:
        entries = entries.filter(meeting_date__lt=query.before)
    return entries


@dataclass(frozen=True)
class WholeDeepDives:
    """Deep-dive sections that match as parts of their whole deep dive (several terms)."""

    ids: list[int]
    terms_in: dict[int, set[int]]  # section id → the indexes of the terms it holds itself

    def lacking(self, term: int) -> list[int]:
        """The sections that do not hold this term (it scores 0 there)."""
        return [pk for pk in self.ids if term not in self.terms_in[pk]]


def sections_of_whole_deep_dives(query: SearchQuery) -> WholeDeepDives:
    """Deep-dive sections that hold some of the terms, in deep dives that hold them all.

    One query, run only for several terms: each term's matching sections (through indexes
    over deep-dive sections only), grouped by deep dive in the database. Returning the
    sections' ids (a few at most per deep dive) keeps the main query a union of index lookups
    on every database; which terms each holds spares testing them again for its score.
    """
    backend = get_backend()
    sections = SearchEntry.objects.filter(
        source=SearchEntry.Source.DEEP_DIVE, deep_dive_id__isnull=False
    ).order_by()
    per_term = [
        sections.filter(backend.condition(term))
        .annotate(term=Value(i))
        .values_list("term", "id", "deep_dive_id")
        for i, term in enumerate(query.terms)
    ]
    terms_in: dict[int, set[int]] = {}
    try:
        found_sql, params = per_term[0].union(*per_term[1:], all=True).query.sql_with_params()
    except EmptyResultSet:
        return WholeDeepDives([], terms_in)
    sql = (
        f"WITH found AS ({found_sql}) SELECT id, term FROM found WHERE deep_dive_id IN "  # noqa: S608 - Django's SQL
        "(SELECT deep_dive_id FROM found GROUP BY deep_dive_id HAVING COUNT(DISTINCT term) = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, len(query.terms)])
        for pk, term in cursor.fetchall():
            terms_in.setdefault(pk, set()).add(term)
    return WholeDeepDives(sorted(terms_in), terms_in)


def matching_entries(
    query: SearchQuery,
    *,
    sections: WholeDeepDives | None = None,
    people: dict[str, int] | None = None,
    few: bool = False,
) -> QuerySet[SearchEntry]:
    """Every index entry the query selects, unordered.

    `sections` (from :func:`sections_of_whole_deep_dives`) also match: with several terms a
    deep dive counts as one document, its sections are only where a hit lands. `people`: the
    `by:` handles' ids (:func:`presenter_ids`), if the caller has them already. `few`: the
    caller reads only a few of the matches (a sample), which changes how excluded terms are
    best tested.
    """
    backend = get_backend()
    if people is None:
        people = (
            presenter_ids(query.handles + query.not_handles)
            if (query.handles or query.not_handles)
            else {}
        )
    # Filters first: where costs look equal, the database tests conditions in the order written.
    entries = _filtered(SearchEntry.objects.all(), query, people)
    excluded = list(query.excluded)
    if query.terms:
        # The index finds the entries that hold every term's lexemes, in one scan, and can
        # leave out those holding an excluded word; the rows then verify what it cannot
        # (phrases). Kept as two conditions, so that the second is the only one the database
        # evaluates row by row.
        whole = sections.ids if sections else []
        left_out = [t for t in excluded if backend.can_exclude(t)] if not whole else []
        excluded = [t for t in excluded if t not in left_out]
        found = backend.lookup(query.terms, excluding=left_out)
        verified = backend.verify(query.terms)
        if whole:
            found |= backend.among(whole)
            verified = backend.among(whole) | verified if verified else None
        entries = entries.filter(found)
        if verified:
            entries = entries.filter(verified)
    for term in excluded:
        entries = entries.filter(backend.without(term, few=few))
    return entries


def ranked(
    entries: QuerySet[SearchEntry],
    query: SearchQuery,
    *,
    sections: WholeDeepDives | None = None,
) -> QuerySet[SearchEntry]:
    """Best field first (title > link metadata > notes > remarks), then the newest meeting."""
    backend = get_backend()
    scores = [
        score(backend, t, absent_in=sections.lacking(i) if sections else None)
        for i, t in enumerate(query.terms)
    ]
    total = reduce(add, scores) if scores else Value(0)
    return entries.annotate(score=total).order_by(*ranking.RANK_ORDER)


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
    # The total and the facet counts are estimates (a large result, see the module docstring).
    approximate: bool = False
    page: Page | None = None
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return not self.query.is_empty

    @property
    def total_display(self) -> str:
        return number_format(self.total, force_grouping=True)


def rounded(n: int) -> int:
    """An estimate to two significant digits: 87,104 → 87,000 (more would claim precision)."""
    if n < 100:
        return n
    step: int = 10 ** (len(str(n)) - 2)
    return round(n / step) * step


def _facet_values(
    query: SearchQuery, name: str, counted: list[tuple[str, str, int]]
) -> list[FacetValue]:
    """(value, label, count) → facet values that toggle the filter `name:value`."""
    return [
        FacetValue(v, label, n, query.toggled(name, v), query.has_filter(name, v))
        for v, label, n in counted
    ]


def _facets(
    query: SearchQuery, counts: counting.Counts, *, estimated: bool = False
) -> tuple[int, dict[str, list[FacetValue]]]:
    """The total and the facets; estimates are rounded (more digits would claim precision)."""
    show = rounded if estimated else int
    total = show(counts.total)
    kinds, sources, years = (
        Counter({k: show(n) for k, n in counts.by[d].items()}) for d in ("kind", "source", "year")
    )
    top = [(pk, show(n)) for pk, n in counts.by["presenter_id"].most_common(FACET_PRESENTERS)]
    kind_labels = dict(Topic.Kind.choices)
    source_labels = dict(SearchEntry.Source.choices)
    people = (
        User.objects.only("handle", "display_name").in_bulk([pk for pk, _n in top]) if top else {}
    )
    facets = {
        "kind": _facet_values(
            query, "kind", [(k, str(kind_labels.get(k, k)), n) for k, n in kinds.most_common()]
        ),
        "source": _facet_values(
            query, "in", [(s, str(source_labels.get(s, s)), n) for s, n in sources.most_common()]
        ),
        "presenter": _facet_values(
            query,
            "by",
            [(people[pk].handle, people[pk].display_name, n) for pk, n in top if pk in people],
        ),
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


# Far beyond any real result; keeps a hostile `?page=` from overflowing the SQL offset.
MAX_PAGE = 1_000_000


def _page_number(page: int | str | None) -> int:
    try:
        return min(MAX_PAGE, max(1, int(page or 1)))
    except (TypeError, ValueError):
        return 1


def _sample(scored: QuerySet[SearchEntry]) -> tuple[counting.Counts, int]:
    """The matches in a sample, and the sample's rate. The sparse sample decides whether the
    result is small (then it is counted exactly: a sparse estimate a little low only makes
    that pass a little longer) and, when it is large enough, gives the estimates too; between
    the two, the dense sample gives figures to show."""
    sparse = counting.sampled(scored, SPARSE)
    if sparse.total * SPARSE <= EXACT_UP_TO or sparse.total >= SPARSE_ENOUGH:
        return sparse, SPARSE
    return counting.sampled(scored, DENSE), DENSE


@dataclass
class RankedPage:
    """One page of a search before it is shown: the hits' ids in rank order, and the counts."""

    ids: list[int]
    number: int
    paginator: Paginator
    counts: counting.Counts
    approximate: bool
    unknown_handles: list[str]


def ranked_page(query: SearchQuery, *, page: int | str | None, per_page: int) -> RankedPage:
    """The page's ids and the counts (exact, or estimated for a large result), with a fixed
    number of queries; `search` fetches and shows the entries."""
    handles = set(query.handles + query.not_handles)
    number = _page_number(page)
    offset = (number - 1) * per_page
    with get_backend().planner_hints():
        people = presenter_ids(sorted(handles)) if handles else {}
        sections = sections_of_whole_deep_dives(query) if len(query.terms) > 1 else None
        matches = matching_entries(query, sections=sections, people=people)
        scored = ranked(matches, query, sections=sections)
        if query.excluded:
            sampled = matching_entries(query, sections=sections, people=people, few=True)
            sample, every = _sample(ranked(sampled, query, sections=sections))
        else:
            sample, every = _sample(scored)
        ids = None
        if sample.total * every > EXACT_UP_TO:
            # One more than the page: whether there is a next page, without counting.
            ids = ranking.best_ids(
                scored,
                query,
                sample_scores=sample.by["score"],
                scale=every,
                offset=offset,
                count=per_page + 1,
            )
        approximate = bool(ids)
        if ids:
            counts = counting.scaled(sample, every)
            # Pages as estimated, and always one past the hits seen (the extra id).
            seen = max(rounded(counts.total), offset + len(ids))
            paginator = Paginator(range(seen), per_page)
            ids = ids[:per_page]
        else:
            # Small, or the page lies where the sample cannot lead (near the end): exact.
            counts, ids = counting.exact(scored, limit=per_page, offset=offset)
            last = max(1, -(-counts.total // per_page))
            if number > last:  # past the end (an old link): show the last page, as get_page does
                number = last
                _counts, ids = counting.exact(scored, limit=per_page, offset=(last - 1) * per_page)
            paginator = Paginator(range(counts.total), per_page)
    unknown = sorted(handles - set(people))
    return RankedPage(ids, number, paginator, counts, approximate, unknown)


def search(
    query: SearchQuery, *, page: int | str | None = 1, per_page: int = PER_PAGE
) -> SearchResults:
    results = SearchResults(query=query, messages=list(query.messages))
    if query.is_empty:
        return results
    found = ranked_page(query, page=page, per_page=per_page)
    for handle in found.unknown_handles:
        results.messages.append(
            _("ハンドル「%(handle)s」のメンバーはいません。") % {"handle": handle}
        )
    results.approximate = found.approximate
    results.total, results.facets = _facets(query, found.counts, estimated=found.approximate)
    by_id = SearchEntry.objects.shown().in_bulk(found.ids)
    entries = [by_id[pk] for pk in found.ids if pk in by_id]
    results.page = Page(entries, found.number, found.paginator)
    results.hits = [_hit(entry, query) for entry in entries]
    return results
