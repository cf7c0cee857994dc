"""Reads for the archive browsing pages: meetings by year and month, members, kinds, links.

Each function loads what its page shows in a fixed number of queries (the pages' tests count
them), straight from the board's tables; only the per-link page reads the search index,
which is where URLs are normalized (apps.search.urlkeys).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from apps.accounts.models import User
from apps.deepdives.models import DeepDive
from apps.meetings.models import Meeting, PresenterBlock
from apps.topics.models import Topic

from .models import SearchEntry

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


def _page(queryset: QuerySet, number, per_page: int = TOPICS_PER_PAGE) -> Page:
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


def remark_counts(entries: list[SearchEntry]) -> dict[int, int]:
    """Remarks per topic for the link page (one query)."""
    topic_ids = [e.topic_id for e in entries if e.topic_id]
    if not topic_ids:
        return {}
    rows = (
        Topic.objects.filter(pk__in=topic_ids).annotate(n=Count("remarks")).values_list("pk", "n")
    )
    return dict(rows)


def valid_month(year: int, month: int) -> bool:
    try:
        dt.date(year, month, 1)
    except ValueError:
        return False
    return True
