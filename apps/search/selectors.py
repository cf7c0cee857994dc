"""Reads for search: one parsed query in, a page of ranked hits with facets out.

A search costs a fixed number of queries whatever the archive's size: one grouped query for the
total and all facets, one for the facet's member names, one for the page of hits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import add

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Value
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.topics.models import Topic

from .backends import get_backend
from .models import SearchEntry
from .query import SearchQuery
from .snippets import has_match, highlight, snippet

PER_PAGE = 20
FACET_PRESENTERS = 12


def matching_entries(query: SearchQuery) -> QuerySet[SearchEntry]:
    """Every index entry the query selects, unordered."""
    backend = get_backend()
    entries = SearchEntry.objects.all()
    entries = backend.matching(entries, query.terms)
    entries = backend.excluding(entries, query.excluded)
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


def ranked(entries: QuerySet[SearchEntry], query: SearchQuery) -> QuerySet[SearchEntry]:
    """Best field first (title > link metadata > notes > remarks), then the newest meeting."""
    backend = get_backend()
    if query.terms:
        score = reduce(add, [backend.score(term) for term in query.terms])
    else:
        score = Value(0)
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


class _Counted:
    """A queryset whose length is already known, so the paginator does not count it again."""

    def __init__(self, queryset: QuerySet, count: int) -> None:
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, item):
        return self.queryset[item]


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
            FacetValue(k, str(kind_labels.get(k, k)), n, query.toggled("kind", k), query.has_filter("kind", k))
            for k, n in kinds.most_common()
        ],
        "source": [
            FacetValue(s, str(source_labels.get(s, s)), n, query.toggled("in", s), query.has_filter("in", s))
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
    title = entry.title or entry.context
    if entry.body and has_match(entry.body, phrases):
        text = entry.body
    elif entry.links and has_match(entry.links, phrases):
        text = entry.links
    else:
        text = entry.body
    return Hit(entry=entry, title_html=highlight(title, phrases), snippet_html=snippet(text, phrases))


def search(query: SearchQuery, *, page: int | str | None = 1, per_page: int = PER_PAGE) -> SearchResults:
    results = SearchResults(query=query, messages=list(query.messages))
    if query.is_empty:
        return results
    handles = set(query.handles + query.not_handles)
    known = set(User.objects.filter(handle__in=handles).values_list("handle", flat=True)) if handles else set()
    for handle in sorted(handles - known):
        results.messages.append(_("ハンドル「%(handle)s」のメンバーはいません。") % {"handle": handle})

    entries = matching_entries(query)
    groups = list(
        entries.order_by().values("kind", "source", "presenter_id", "year").annotate(n=Count("id"))
    )
    results.total, results.facets = _facets(query, groups)
    paginator = Paginator(_Counted(ranked(entries, query).select_related("presenter"), results.total), per_page)
    results.page = paginator.get_page(page)
    results.hits = [_hit(entry, query) for entry in results.page.object_list]
    return results
