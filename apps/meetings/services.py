"""Writes for meetings and their agenda."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import changes
from apps.core.markdown import render_markdown
from apps.links.models import Link
from apps.links.services import enqueue_fetch_on_commit

from .models import Absence, Meeting, PresenterBlock

if TYPE_CHECKING:
    from apps.accounts.models import User


def _save(meeting: Meeting) -> Meeting:
    meeting.guidance_html = render_markdown(meeting.guidance).html
    meeting.full_clean()
    reindex = bool(meeting.pk)  # a new meeting has nothing in the index yet
    if meeting.pk:
        meeting.revision += 1  # the header and guidance are part of the cached board
    meeting.save()
    if reindex:
        changes.announce(changes.MEETING, pk=meeting.pk, obj=meeting)  # part of every hit
    return meeting


@transaction.atomic
def meeting_create(
    *,
    date: dt.date,
    title: str | None = None,
    guidance: str | None = None,
    status: str = Meeting.Status.OPEN,
    length_minutes: int | None = None,
) -> Meeting:
    meeting = Meeting(date=date, status=status)
    if title is not None:
        meeting.title = title
    if guidance is not None:
        meeting.guidance = guidance
    if length_minutes is not None:
        meeting.length_minutes = length_minutes
    return _save(meeting)


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields: object) -> Meeting:
    """The edit form's save. A new status goes through meeting_set_status, as the agenda's
    buttons do: the same allowed moves, and the same announcement (the agenda reminder)."""
    stored = lock_meeting(meeting.pk)
    for name in ("date", "title", "guidance"):
        if name in fields:
            setattr(meeting, name, fields[name])
    status = str(fields.get("status", stored.status))
    if status != stored.status and status not in STATUS_MOVES.get(stored.status, set()):
        raise ValidationError(
            {"status": _status_move_refused(stored.status, status)},
        )
    meeting.status = stored.status  # a form-bound instance already carries the new one
    meeting = _save(meeting)
    if status != stored.status:
        meeting = meeting_set_status(meeting=meeting, status=status)
    return meeting


def meeting_save(*, meeting: Meeting) -> Meeting:
    """Save an already-edited meeting (the admin's path)."""
    with transaction.atomic():
        return _save(meeting)


def next_meeting_dates(*, today: dt.date, weekday: int, count: int) -> list[dt.date]:
    """The next `count` dates falling on `weekday`, today included."""
    first = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    return [first + dt.timedelta(weeks=i) for i in range(count)]


def schedule_upcoming_meetings(
    *,
    today: dt.date,
    weekday: int,
    count: int,
    title: str | None = None,
    guidance: str | None = None,
    nearby_days: int = 0,
    length_minutes: int | None = None,
) -> list[Meeting]:
    """Make sure the next `count` meetings exist. Safe to run any number of times at once.

    A meeting (in any status, 休会 included) within `nearby_days` of a date stands in for it:
    a meeting moved by a day or two, or left on the old weekday, is not doubled.
    """
    created = []
    window = dt.timedelta(days=nearby_days)
    for date in next_meeting_dates(today=today, weekday=weekday, count=count):
        if Meeting.objects.filter(date__range=(date - window, date + window)).exists():
            continue
        try:
            with transaction.atomic():
                created.append(
                    meeting_create(
                        date=date, title=title, guidance=guidance, length_minutes=length_minutes
                    )
                )
        except IntegrityError:
            # Another worker created it between our check and insert: that is the goal.
            continue
    return created


def presenter_block_for(*, meeting: Meeting, presenter: User) -> PresenterBlock:
    """The presenter's block in this meeting, appended to the agenda on first use.

    Race-free: two first topics posted at once (two tabs, a double click) both land in one
    block. Creating a block locks the meeting row, so concurrent creators take turns, see each
    other's block and number their positions one after the other.
    """
    block = PresenterBlock.objects.filter(meeting=meeting, presenter=presenter).first()
    if block is not None:
        return block
    with transaction.atomic():
        lock_meeting(meeting.pk)
        block = PresenterBlock.objects.filter(meeting=meeting, presenter=presenter).first()
        if block is not None:
            return block  # created by the request we waited for
        last = meeting.blocks.aggregate(last=Max("position"))["last"]
        block = PresenterBlock(meeting=meeting, presenter=presenter, position=(last or 0) + 1)
        # Both keys come from this service, not from a form: the database's constraints suffice.
        block.full_clean(
            exclude=["meeting", "presenter"], validate_unique=False, validate_constraints=False
        )
        try:
            with transaction.atomic():
                block.save()
        except IntegrityError:
            # A database without row locks (SQLite outside a write transaction) let another
            # writer in first: its block is ours.
            return PresenterBlock.objects.get(meeting=meeting, presenter=presenter)
    return block


_deferred_touches: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "deferred_touches", default=None
)


@contextmanager
def touches_deferred() -> Iterator[None]:
    """Bulk writers (the importer) bump each board they change once, at the end, not per row."""
    token = _deferred_touches.set(set())
    try:
        yield
        touched = _deferred_touches.get() or set()
    finally:
        _deferred_touches.reset(token)
    rolling_back = connection.in_atomic_block and transaction.get_rollback()  # a dry run
    if touched and not rolling_back:
        Meeting.objects.filter(pk__in=touched).update(revision=F("revision") + 1)


def meeting_touch(*, meeting_id: int) -> None:
    """Record that the board changed; pages that poll the revision will refresh."""
    deferred = _deferred_touches.get()
    if deferred is not None:
        deferred.add(meeting_id)
        return
    Meeting.objects.filter(pk=meeting_id).update(revision=F("revision") + 1)


def board_item_saved(
    *, meeting_id: int, subject: str, obj: Model, link: Link | None = None, **details: object
) -> None:
    """The one ending of every save of something shown on a board (topic, remark, main topic).

    The board's revision moves (open pages refresh), the change is announced (search
    re-indexes it), and a newly pasted link is fetched once the transaction commits.
    """
    meeting_touch(meeting_id=meeting_id)
    changes.announce(subject, pk=obj.pk, obj=obj, **details)
    enqueue_fetch_on_commit(link)


def meetings_touch(*, meeting_ids: Iterable[int] | QuerySet[Any, Any]) -> None:
    """Several boards changed at once (a link card they all show): one statement.

    `meeting_ids`: the ids, or a values() query that yields them (run as a subquery)."""
    Meeting.objects.filter(pk__in=meeting_ids).update(revision=F("revision") + 1)


# --- the agenda ---------------------------------------------------------------------------

# Which status an organizer may move a meeting to from each status.
STATUS_MOVES: dict[str, set[str]] = {
    Meeting.Status.DRAFT: {Meeting.Status.OPEN, Meeting.Status.SKIPPED},
    Meeting.Status.OPEN: {Meeting.Status.DRAFT, Meeting.Status.LOCKED, Meeting.Status.SKIPPED},
    Meeting.Status.LOCKED: {Meeting.Status.OPEN, Meeting.Status.HELD},
    Meeting.Status.HELD: {Meeting.Status.LOCKED},
    Meeting.Status.SKIPPED: {Meeting.Status.DRAFT, Meeting.Status.OPEN},
}


def _status_move_refused(current: str, status: str) -> ValidationError:
    return ValidationError(
        _("「%(from)s」から「%(to)s」には変更できません。"),
        params={"from": Meeting.Status(current).label, "to": Meeting.Status(status).label},
    )


def move_in_list(ids: list[int], item: int, to_index: int) -> list[int]:
    ids = [i for i in ids if i != item]
    ids.insert(max(0, min(to_index, len(ids))), item)
    return ids


def lock_meeting(meeting_id: int) -> Meeting:
    # Two organizers reordering at once take turns here; each move applies to the newest order.
    return Meeting.objects.select_for_update().get(pk=meeting_id)


@transaction.atomic
def agenda_move_block(*, meeting: Meeting, block_id: int, to_index: int) -> None:
    lock_meeting(meeting.pk)
    ids = list(meeting.blocks.order_by("position", "pk").values_list("pk", flat=True))
    if block_id not in ids:
        raise ValidationError(_("この勉強会の発表者ではありません。"))
    for position, pk in enumerate(move_in_list(ids, block_id, to_index), start=1):
        PresenterBlock.objects.filter(pk=pk).update(position=position)
    meeting_touch(meeting_id=meeting.pk)


def index_after_step(ids: list[int], item: int, step: int) -> int:
    """Where ↑ (-1) or ↓ (+1) takes an item."""
    return max(0, min(len(ids) - 1, ids.index(item) + step))


@transaction.atomic
def meeting_set_status(*, meeting: Meeting, status: str) -> Meeting:
    current = lock_meeting(meeting.pk)
    if status == current.status:
        return current
    if status not in STATUS_MOVES.get(current.status, set()):
        raise _status_move_refused(current.status, status)
    current.status = status
    current = _save(current)
    # The group sends the agenda reminder when a meeting is 確定.
    changes.announce(changes.MEETING_STATUS, pk=current.pk, obj=current, status=status)
    return current


@transaction.atomic
def meeting_set_length(*, meeting: Meeting, length_minutes: int) -> Meeting:
    current = lock_meeting(meeting.pk)
    current.length_minutes = length_minutes
    return _save(current)


@transaction.atomic
def meeting_set_current_topic(
    *, meeting: Meeting, topic_id: int | None, main: bool = False
) -> Meeting:
    """Meeting-day mode: which topic is on now (or the main topic); its timer starts now.

    No topic and not the main topic means the meeting is not being run (yet, or any more).
    """
    current = lock_meeting(meeting.pk)
    current.current_topic_id = topic_id
    current.current_started_at = timezone.now() if (topic_id or main) else None
    current.save(update_fields=["current_topic", "current_started_at", "updated_at"])
    meeting_touch(meeting_id=current.pk)
    return current


def next_meeting_after(meeting: Meeting) -> Meeting | None:
    """Where "次回へ" sends a topic: the next meeting that will take place."""
    return (
        Meeting.objects.filter(date__gt=meeting.date)
        .exclude(status__in=[Meeting.Status.SKIPPED, Meeting.Status.HELD])
        .order_by("date")
        .first()
    )


@transaction.atomic
def absences_set(*, member: User, offered: Iterable[dt.date], absent: Iterable[dt.date]) -> None:
    """The member's answer for the dates they were shown: absent on these, present on the rest."""
    offered, absent = set(offered), set(absent) & set(offered)
    Absence.objects.filter(member=member, date__in=offered - absent).delete()
    Absence.objects.bulk_create(
        [Absence(member=member, date=date) for date in sorted(absent)], ignore_conflicts=True
    )
