"""Reads for the board: everything one meeting's page shows, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from apps.meetings.models import Meeting, PresenterBlock
from apps.topics.models import Remark, Topic


def board_meetings() -> QuerySet[Meeting]:
    """Meetings with their blocks, topics, remarks and main topic loaded for the board."""
    remarks = Remark.objects.select_related("author").order_by("created_at", "pk")
    topics = Topic.objects.live().for_cards().order_by("position", "pk")
    blocks = (
        PresenterBlock.objects.select_related("presenter")
        .order_by("position", "pk")
        .prefetch_related(Prefetch("topics", queryset=topics))
    )
    return Meeting.objects.select_related(
        "deep_dive__presenter", "deep_dive__link"
    ).prefetch_related(
        Prefetch("blocks", queryset=blocks),
        Prefetch("deep_dive__remarks", queryset=remarks),
    )


def meeting_head(*, date: dt.date) -> Meeting | None:
    """Just enough of a meeting to decide whether its cached board is current."""
    return Meeting.objects.only("pk", "date", "title", "revision").filter(date=date).first()


def meeting_board(*, date: dt.date) -> Meeting | None:
    return board_meetings().filter(date=date).first()
