"""Reads for the archive browsing pages: meetings by year and month, members, kinds, links,
arXiv categories.

Each function loads what its page shows in a fixed number of queries (the pages' tests count
them), straight from the board's tables; only the per-link page reads the search index,
which is where URLs are normalized (apps.search.urlkeys).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, groupby

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from apps.accounts.models import User
from apps.deepdives.models import DeepDive
from apps.links.canonical import canonicalize
from apps.links.categories import CATEGORY_NAMES, category_name
from apps.links.models import Link
from apps.meetings.models import Meeting, PresenterBlock
from apps.search.models import SearchEntry
from apps.topics.models import Topic, TopicLink

TOPICS_PER_PAGE = 50
_LIVE_TOPICS = Q(blocks__topics__deleted_at__isnull=True)


def archive_years() -> list[dict]:
    """[{year, meetings, topics}], newest year first."""
    return list(
        Meeting.objects.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(
            meetings=Count("id", distinct=True), topics=Count("blocks__topics", filter=_LIVE_TOPICS)
        )
        .order_by("-year")
    )


def _with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("deep_dive__presenter").annotate(
        topic_count=Count("blocks__topics", filter=_LIVE_TOPICS)
    )


def meetings_of_year(year: int) -> list[tuple[int, list[Meeting]]]:
    """The year's meetings grouped by month: [(month, [meeting, …])], January first."""
    meetings = _with_counts(Meeting.objects.filter(date__year=year)).order_by("date")
    return [(month, list(items)) for month, items in groupby(meetings, key=lambda m: m.date.month)]


def meetings_of_month(year: int, month: int) -> list[Meeting]:
    """The month's meetings with their agenda (presenters and topic titles)."""
    topics = (
        Topic.objects.live()
        .only("id", "block_id", "kind", "title", "position")
        .order_by("position", "pk")
    )
    blocks = (
        PresenterBlock.objects.select_related("presenter")
        .order_by("position", "pk")
        .prefetch_related(Prefetch("topics", queryset=topics))
    )
    return list(
        Meeting.objects.filter(date__year=year, date__month=month)
        .select_related("deep_dive__presenter")
        .prefetch_related(Prefetch("blocks", queryset=blocks))
        .order_by("date")
    )


def _page(queryset: QuerySet | list, number, per_page: int = TOPICS_PER_PAGE) -> Page:
    return Paginator(queryset, per_page).get_page(number)


@dataclass
class MemberArchive:
    member: User
    topics: Page
    deep_dives: list[DeepDive]
    remark_count: int


def member_archive(member: User, *, page=1) -> MemberArchive:
    topics = (
        Topic.objects.live()
        .filter(block__presenter=member)
        .select_related("block__meeting")
        .order_by("-block__meeting__date", "position", "pk")
    )
    deep_dives = list(
        DeepDive.objects.filter(presenter=member)
        .select_related("meeting")
        .order_by("-meeting__date")
    )
    return MemberArchive(
        member=member,
        topics=_page(topics, page),
        deep_dives=deep_dives,
        remark_count=member.remarks.count(),
    )


def topics_of_kind(kind: str, *, page=1) -> Page:
    topics = (
        Topic.objects.live()
        .filter(kind=kind)
        .select_related("block__meeting", "block__presenter")
        .order_by("-block__meeting__date", "position", "pk")
    )
    return _page(topics, page)


def entries_for_link(key: str) -> list[SearchEntry]:
    """Every topic and deep dive whose source is this URL key, newest meeting first."""
    return list(
        SearchEntry.objects.filter(url_key=key, position=0, source__in=["topic", "deepdive"])
        .select_related("presenter")
        .order_by("-meeting_date", "-id")
    )


def link_card_of(url: str) -> Link | None:
    """The source card for the paper page: the board's Link for this URL, if it was ever pasted."""
    try:
        canonical = canonicalize(url).canonical_url
    except ValueError:
        return None
    return Link.objects.filter(canonical_url=canonical).first()


def remark_counts(entries: list[SearchEntry]) -> dict[int, int]:
    """Remarks per topic for the link page (one query)."""
    topic_ids = [e.topic_id for e in entries if e.topic_id]
    if not topic_ids:
        return {}
    rows = (
        Topic.objects.filter(pk__in=topic_ids).annotate(n=Count("remarks")).values_list("pk", "n")
    )
    return dict(rows)


def valid_year(year: int) -> bool:
    return dt.MINYEAR <= year <= dt.MAXYEAR


def valid_month(year: int, month: int) -> bool:
    try:
        dt.date(year, month, 1)
    except (ValueError, OverflowError):  # a 30-digit month overflows before it is checked
        return False
    return True


# --- arXiv categories ---------------------------------------------------------------------
#
# A fetched arXiv link keeps its categories in `Link.extra["categories"]` (primary first, then
# cross-lists). JSON containment lookups do not run on SQLite, so the categories are read in
# Python from the fetched arXiv links, which are few next to the topics, and topics and deep
# dives are then found by link id. A topic counts through its source link and its extra links.

# What a category code looks like (cs.CL, hep-th, cond-mat.dis-nn): imported archives may carry
# anything in `extra`, and only codes of this shape can be put in a URL path.
_CATEGORY_CODE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?(?:\.[A-Za-z-]+)?")
_KNOWN_BY_LOWER = {code.lower(): code for code in CATEGORY_NAMES}


def _link_categories() -> dict[int, list[str]]:
    """Categories of every fetched arXiv link, by link id (one query)."""
    rows = Link.objects.filter(kind=Link.Kind.ARXIV, status=Link.Status.OK).values_list(
        "pk", "extra__categories"
    )
    found = {}
    for pk, codes in rows:
        if isinstance(codes, list):
            found[pk] = [c for c in codes if isinstance(c, str) and _CATEGORY_CODE.fullmatch(c)]
    return found


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name: str
    papers: int  # distinct arXiv papers in the category that the group discussed
    count: int  # topics and deep dives citing them


def arxiv_categories() -> list[CategoryCount]:
    """Every arXiv category seen in the archive, most discussed first (four queries)."""
    categories = _link_categories()
    if not categories:
        return []
    cited: dict[str, set[tuple[str, int]]] = defaultdict(set)
    papers: dict[str, set[int]] = defaultdict(set)
    for source, pk, link_id in _fetched_arxiv_citations():
        # A link fetched between the two reads has no categories here yet: next time.
        for code in categories.get(link_id, ()):
            cited[code].add((source, pk))  # a set: source and extra link may share a category
            papers[code].add(link_id)
    rows = [
        CategoryCount(code, category_name(code), len(papers[code]), len(cited[code]))
        for code in cited
    ]
    rows.sort(key=lambda row: (-row.count, -row.papers, row.code.lower()))
    return rows


def _fetched_arxiv_citations() -> Iterator[tuple[str, int, int]]:
    """(source, pk, link id) for every live topic and deep dive citing a fetched arXiv paper."""
    # Joined on the link, not `link_id IN (…)`: that list would grow with the archive.
    fetched = Q(link__kind=Link.Kind.ARXIV, link__status=Link.Status.OK)
    topics = Topic.objects.live().filter(fetched).values_list("pk", "link_id")
    extras = TopicLink.objects.filter(fetched, topic__deleted_at__isnull=True).values_list(
        "topic_id", "link_id"
    )
    deep_dives = DeepDive.objects.filter(fetched).values_list("pk", "link_id")
    yield from (("topic", pk, link_id) for pk, link_id in chain(topics, extras))
    yield from (("deepdive", pk, link_id) for pk, link_id in deep_dives)


def category_spelling(code: str) -> str | None:
    """The taxonomy's spelling of a category typed in another case (cs.cl → cs.CL)."""
    return _KNOWN_BY_LOWER.get(code.lower())


@dataclass(frozen=True)
class CategoryCitation:
    """One row of a category's page: a topic or a deep dive and the paper that put it there."""

    meeting: Meeting
    presenter: User
    title: str
    url: str  # the board, at the topic or the deep dive
    kind: str  # a Topic.Kind, or "deepdive"
    kind_label: str
    link: Link | None  # None only if the row changed between the page's reads


@dataclass
class CategoryArchive:
    code: str
    name: str
    citations: Page  # of CategoryCitation


def category_archive(code: str, *, page=1) -> CategoryArchive | None:
    """The topics and deep dives citing a paper in the category, newest meeting first.

    None for a code that is neither in arXiv's taxonomy nor on any fetched paper. A fixed
    number of queries: the links, the keys to sort (two), then the page's rows (three).
    """
    categories = _link_categories()
    link_ids = [pk for pk, codes in categories.items() if code in codes]
    if not link_ids and code not in CATEGORY_NAMES:
        return None
    keys = _citation_keys(link_ids) if link_ids else []
    citations = _page(keys, page)
    citations.object_list = _load_citations(list(citations.object_list), set(link_ids))
    return CategoryArchive(code=code, name=category_name(code), citations=citations)


def _citation_keys(link_ids: list[int]) -> list[tuple]:
    """(sort key…, source, pk) for every topic and deep dive citing the links, in page order.

    Sorted in Python because topics and deep dives are two tables; the keys are small and
    only the page's rows are loaded in full.
    """
    extra = TopicLink.objects.filter(link_id__in=link_ids).values("topic_id")
    topics = (
        Topic.objects.live()
        .filter(Q(link_id__in=link_ids) | Q(pk__in=extra))
        .values_list("block__meeting__date", "block__position", "block_id", "position", "pk")
    )
    deep_dives = DeepDive.objects.filter(link_id__in=link_ids).values_list("meeting__date", "pk")
    # Newest meeting first; within a meeting the agenda order, the deep dive last as on the board.
    keys = [
        (-date.toordinal(), 0, bpos, bid, pos, "topic", pk) for date, bpos, bid, pos, pk in topics
    ]
    keys += [(-date.toordinal(), 1, 0, 0, 0, "deepdive", pk) for date, pk in deep_dives]
    keys.sort()
    return keys


def _load_citations(keys: list[tuple], link_ids: set[int]) -> list[CategoryCitation]:
    topic_ids = [key[-1] for key in keys if key[-2] == "topic"]
    deep_dive_ids = [key[-1] for key in keys if key[-2] == "deepdive"]
    topics = {}
    if topic_ids:
        extras = TopicLink.objects.select_related("link").order_by("position", "pk")
        topics = (
            Topic.objects.select_related("block__meeting", "block__presenter", "link")
            .prefetch_related(Prefetch("extra_links", queryset=extras))
            .in_bulk(topic_ids)
        )
    deep_dives = {}
    if deep_dive_ids:
        deep_dives = DeepDive.objects.select_related("meeting", "presenter", "link").in_bulk(
            deep_dive_ids
        )
    rows = []
    for key in keys:
        source, pk = key[-2], key[-1]
        if source == "topic" and pk in topics:
            rows.append(_topic_citation(topics[pk], link_ids))
        elif source == "deepdive" and pk in deep_dives:
            rows.append(_deep_dive_citation(deep_dives[pk]))
    return rows


def _topic_citation(topic: Topic, link_ids: set[int]) -> CategoryCitation:
    # The source link when it is in the category, else the extra link that is.
    link = topic.link if topic.link_id in link_ids else None
    if link is None:
        extras = (extra.link for extra in topic.extra_links.all() if extra.link_id in link_ids)
        link = next(extras, None)
    meeting = topic.block.meeting
    return CategoryCitation(
        meeting=meeting,
        presenter=topic.block.presenter,
        title=topic.display_title,
        url=f"{meeting.get_absolute_url()}#{topic.anchor}",
        kind=topic.kind,
        kind_label=topic.get_kind_display(),
        link=link,
    )


def _deep_dive_citation(deep_dive: DeepDive) -> CategoryCitation:
    meeting = deep_dive.meeting
    return CategoryCitation(
        meeting=meeting,
        presenter=deep_dive.presenter,
        title=deep_dive.title or (deep_dive.link.title if deep_dive.link else ""),
        url=f"{meeting.get_absolute_url()}#deep-dive",
        kind="deepdive",
        kind_label=str(DeepDive._meta.verbose_name),
        link=deep_dive.link,
    )
