"""Writes for meetings and their agenda."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q

from apps.core.markdown import render_markdown

from .models import Meeting, PresenterBlock


def _save(meeting: Meeting) -> Meeting:
    meeting.guidance_html = render_markdown(meeting.guidance).html
    meeting.full_clean()
    if meeting.pk:
        meeting.revision += 1  # the header and guidance are part of the cached board
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


def meetings_touch_for_link(*, link_id: int) -> None:
    """A link's card changed (fetched, failed, new picture): so did every board showing it."""
    from apps.deepdives.models import DeepDive
    from apps.topics.models import Topic

    via_topics = Topic.objects.filter(link_id=link_id).values("block__meeting_id")
    via_deep_dives = DeepDive.objects.filter(link_id=link_id).values("meeting_id")
    Meeting.objects.filter(Q(pk__in=via_topics) | Q(pk__in=via_deep_dives)).update(revision=F("revision") + 1)
