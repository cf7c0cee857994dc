"""Reads for meetings."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.utils import timezone

from .models import Meeting


def today() -> dt.date:
    return timezone.localdate()


def next_meeting(*, on: dt.date) -> Meeting | None:
    """The meeting the home page shows: the next one, or else the most recent."""
    meeting = Meeting.objects.upcoming(on).first()
    return meeting or Meeting.objects.past(on).first()


def meeting_head(*, date: dt.date) -> Meeting | None:
    """Just enough of a meeting to decide whether its cached board is current."""
    return Meeting.objects.only("pk", "date", "title", "revision").filter(date=date).first()


def meeting_board(*, date: dt.date) -> Meeting | None:
    return Meeting.objects.with_board().filter(date=date).first()


def meetings_by_year(*, on: dt.date) -> tuple[list[Meeting], list[tuple[int, list[Meeting]]]]:
    """Upcoming meetings (soonest first) and past ones grouped by year (newest first)."""
    upcoming = list(Meeting.objects.upcoming(on))
    past = Meeting.objects.past(on)
    by_year = [(year, list(items)) for year, items in groupby(past, key=lambda m: m.date.year)]
    return upcoming, by_year
