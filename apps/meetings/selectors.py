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


def meetings_by_year(*, on: dt.date) -> tuple[list[Meeting], list[tuple[int, list[Meeting]]]]:
    """Upcoming meetings (soonest first) and past ones grouped by year (newest first)."""
    upcoming = list(Meeting.objects.upcoming(on))
    past = Meeting.objects.past(on)
    by_year = [(year, list(items)) for year, items in groupby(past, key=lambda m: m.date.year)]
    return upcoming, by_year
