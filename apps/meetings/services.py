"""Writes for meetings and their agenda."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from apps.core.markdown import render_markdown

from .models import Meeting, PresenterBlock


def _save(meeting: Meeting) -> Meeting:
    meeting.guidance_html = render_markdown(meeting.guidance).html
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_create(
    *,
    date: dt.date,
    title: str | None = None,
    guidance: str | None = None,
    status: str = Meeting.Status.OPEN,
) -> Meeting:
    meeting = Meeting(date=date, status=status)
    if title is not None:
        meeting.title = title
    if guidance is not None:
        meeting.guidance = guidance
    return _save(meeting)


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields) -> Meeting:
    for name in ("date", "title", "guidance", "status"):
        if name in fields:
            setattr(meeting, name, fields[name])
    return _save(meeting)


def meeting_save(*, meeting: Meeting) -> Meeting:
    """Save an already-edited meeting (the admin's path)."""
    with transaction.atomic():
        return _save(meeting)


def next_meeting_dates(*, today: dt.date, weekday: int, count: int) -> list[dt.date]:
    """The next `count` dates falling on `weekday`, today included."""
    first = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    return [first + dt.timedelta(weeks=i) for i in range(count)]


def schedule_upcoming_meetings(*, today: dt.date, weekday: int, count: int) -> list[Meeting]:
    """Make sure the next `count` meetings exist. Safe to run any number of times at once."""
    created = []
    for date in next_meeting_dates(today=today, weekday=weekday, count=count):
        if Meeting.objects.filter(date=date).exists():
            continue
        try:
            with transaction.atomic():
                created.append(meeting_create(date=date))
        except IntegrityError:
            # Another worker created it between our check and insert: that is the goal.
            continue
    return created


def presenter_block_for(*, meeting: Meeting, presenter) -> PresenterBlock:
    """The presenter's block in this meeting, appended to the agenda on first use."""
    block = PresenterBlock.objects.filter(meeting=meeting, presenter=presenter).first()
    if block is not None:
        return block
    last = meeting.blocks.aggregate(last=Max("position"))["last"]
    block = PresenterBlock(meeting=meeting, presenter=presenter, position=(last or 0) + 1)
    block.full_clean()
    block.save()
    return block


def meeting_touch(*, meeting_id: int) -> None:
    """Record that the board changed; pages that poll the revision will refresh."""
    Meeting.objects.filter(pk=meeting_id).update(revision=F("revision") + 1)
