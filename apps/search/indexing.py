"""Keeping the search index in step with the board.

Every write of a topic, remark, deep dive, meeting or member re-indexes what it touched. The
services call :func:`schedule_index` after their write (the index is updated when the
transaction commits), or one of the ``index_*`` functions directly to update it inside the same
transaction. All of them take ids, re-read the rows and are idempotent: running one twice, or
for something that no longer exists, is harmless. Hard deletes need nothing (the index rows
cascade); a soft-deleted topic is removed by :func:`index_topic`.

Each update owed is first a ``PendingIndex`` row written in the writer's transaction; the
update runs after the commit and deletes it. If the connection is lost between the commit and
that work, the beat sweep (:func:`sweep_pending_index`) does it within a minute.

``rebuild_search_index`` (apps.search.rebuild) recreates the whole index from the board;
the rows themselves are built in apps.search.entries.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from apps.accounts.models import User
from apps.deepdives.models import DeepDive
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.meetings.models import Meeting
from apps.papers.models import LibraryNote, Paper
from apps.topics.models import Remark, Topic

from .entries import (
    Row,
    deep_dive_entries,
    library_note_entry,
    preload_link_texts,
    preloaded_link_texts,
    remark_entry,
    topic_entry,
)
from .models import PendingIndex, SearchEntry
from .urlkeys import url_key

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Index on write: by id, idempotent.
# --------------------------------------------------------------------------------------------


def _save(rows: list[Row]) -> None:
    SearchEntry.objects.bulk_create([SearchEntry(**row) for row in rows])


_REMARKS = Prefetch("remarks", queryset=Remark.objects.select_related("author").order_by("pk"))


def _remarks_of(target: Topic | DeepDive):
    if "remarks" in getattr(target, "_prefetched_objects_cache", {}):
        return target.remarks.all()  # index_meeting loaded them with _REMARKS
    return target.remarks.select_related("author").order_by("pk")


@contextmanager
def _link_texts_of(urls: Iterable[str]) -> Iterator[None]:
    """Load the metadata of these URLs' links in one query for the block (not one per topic)."""
    canonical = set()
    for url in filter(None, urls):
        with suppress(ValueError):
            canonical.add(canonicalize(url).canonical_url)
    token = preloaded_link_texts.set(preload_link_texts(canonical))
    try:
        yield
    finally:
        preloaded_link_texts.reset(token)


def _topic_with_remarks(topic: Topic) -> list[Row]:
    meeting, presenter = topic.block.meeting, topic.block.presenter
    entries = [topic_entry(topic, meeting=meeting, presenter=presenter)]
    for remark in _remarks_of(topic):
        entries.append(
            remark_entry(
                remark, meeting=meeting, kind=topic.kind, context=topic.title, author=remark.author
            )
        )
    return entries


def _deep_dive_with_remarks(deep_dive: DeepDive) -> list[Row]:
    meeting = deep_dive.meeting
    entries = deep_dive_entries(deep_dive, meeting=meeting, presenter=deep_dive.presenter)
    for remark in _remarks_of(deep_dive):
        entries.append(
            remark_entry(
                remark,
                meeting=meeting,
                kind=Topic.Kind.PAPER,
                context=deep_dive.title,
                author=remark.author,
            )
        )
    return entries


@transaction.atomic
def index_topic(topic_id: int) -> None:
    """(Re-)index a topic and its remarks; removes them if the topic is gone or soft-deleted."""
    SearchEntry.objects.filter(topic_id=topic_id).delete()
    topic = (
        Topic.objects.live()
        .select_related("block__meeting", "block__presenter")
        .filter(pk=topic_id)
        .first()
    )
    if topic is not None:
        _save(_topic_with_remarks(topic))


@transaction.atomic
def index_topic_entry(topic_id: int) -> None:
    """Only the topic's own entry: for an edit of its notes or URL, which its remarks' entries
    do not repeat (they carry its kind and title); cheaper than index_topic on every save."""
    SearchEntry.objects.filter(topic_id=topic_id, source=SearchEntry.Source.TOPIC).delete()
    topic = (
        Topic.objects.live()
        .select_related("block__meeting", "block__presenter")
        .filter(pk=topic_id)
        .first()
    )
    if topic is not None:
        _save([topic_entry(topic, meeting=topic.block.meeting, presenter=topic.block.presenter)])


@transaction.atomic
def index_remark(remark_id: int) -> None:
    SearchEntry.objects.filter(remark_id=remark_id).delete()
    remark = (
        Remark.objects.select_related("author", "topic__block__meeting", "deep_dive__meeting")
        .filter(pk=remark_id)
        .first()
    )
    if remark is None:
        return
    if remark.topic is not None:
        if remark.topic.deleted_at is not None:
            return
        entry = remark_entry(
            remark,
            meeting=remark.topic.block.meeting,
            kind=remark.topic.kind,
            context=remark.topic.title,
            author=remark.author,
        )
    else:
        assert remark.deep_dive is not None  # a remark is on a topic or on the main topic
        entry = remark_entry(
            remark,
            meeting=remark.deep_dive.meeting,
            kind=Topic.Kind.PAPER,
            context=remark.deep_dive.title,
            author=remark.author,
        )
    _save([entry])


@transaction.atomic
def index_deep_dive(deep_dive_id: int) -> None:
    """(Re-)index a deep dive's sections and its remarks (their context is its title)."""
    SearchEntry.objects.filter(deep_dive_id=deep_dive_id).delete()
    deep_dive = (
        DeepDive.objects.select_related("meeting", "presenter").filter(pk=deep_dive_id).first()
    )
    if deep_dive is not None:
        _save(_deep_dive_with_remarks(deep_dive))


@transaction.atomic
def index_meeting(meeting_id: int) -> None:
    """Everything in a meeting (its date or title changed, or a presenter block moved)."""
    SearchEntry.objects.filter(meeting_id=meeting_id).delete()
    entries: list[Row] = []
    topics = list(
        Topic.objects.live()
        .filter(block__meeting_id=meeting_id)
        .select_related("block__meeting", "block__presenter")
        .prefetch_related(_REMARKS)
    )
    deep_dive = (
        DeepDive.objects.select_related("meeting", "presenter")
        .prefetch_related(_REMARKS)
        .filter(meeting_id=meeting_id)
        .first()
    )
    urls = [t.url for t in topics] + ([deep_dive.paper_url] if deep_dive else [])
    with _link_texts_of(urls):
        for topic in topics:
            entries.extend(_topic_with_remarks(topic))
        if deep_dive is not None:
            entries.extend(_deep_dive_with_remarks(deep_dive))
    _save(entries)


def index_member(user_id: int) -> None:
    """A member's name or handle changed: re-index every meeting they presented or remarked in."""
    meeting_ids = set(
        Meeting.objects.filter(
            Q(blocks__presenter_id=user_id)
            | Q(deep_dive__presenter_id=user_id)
            | Q(blocks__topics__remarks__author_id=user_id)
            | Q(deep_dive__remarks__author_id=user_id)
        ).values_list("pk", flat=True)
    )
    for meeting_id in sorted(meeting_ids):
        index_meeting(meeting_id)
    index_library_notes(LibraryNote.objects.filter(author_id=user_id).values_list("pk", flat=True))


def index_library_notes(note_ids: Iterable[int]) -> None:
    """Library notes, in bulk: one entry each with the paper's title, card and tags."""
    ids = sorted(set(note_ids))
    for start in range(0, len(ids), _LIBRARY_BATCH):
        chunk = ids[start : start + _LIBRARY_BATCH]
        notes = (
            LibraryNote.objects.filter(pk__in=chunk)
            .select_related("paper", "author")
            .prefetch_related("paper__tags")
        )
        SearchEntry.objects.filter(library_note_id__in=chunk).delete()
        _save([library_note_entry(n, tags=[t.label for t in n.paper.tags.all()]) for n in notes])


def index_library_note(note_id: int) -> None:
    index_library_notes([note_id])


def index_paper(paper_id: int) -> None:
    """A paper's title, card or tags changed: every note on it says so too."""
    index_library_notes(LibraryNote.objects.filter(paper_id=paper_id).values_list("pk", flat=True))


_LIBRARY_BATCH = 500


def _library_pending() -> set[int]:
    """Outbox rows of notes and papers waiting for the commit, per database connection (one
    per thread)."""
    pending = getattr(connection, "_search_library_pending", None)
    if pending is None:
        pending = connection._search_library_pending = set()  # type: ignore[attr-defined]
    return pending


_LIBRARY_SUBJECTS = ("library_note", "paper")


def _schedule_library(*, subject: str, object_id: int) -> None:
    """An import writes thousands of notes: they are indexed together, in a few statements,
    when the transaction commits. Every write registers the same flush; the first one to run
    takes everything pending, the rest find nothing. What the rows owe is read back from the
    database: a row id left by a rolled-back transaction names nothing of ours."""
    _library_pending().add(_owe(subject, object_id))
    transaction.on_commit(_flush_library, robust=True)


def schedule_library_many(*, notes: list[int], papers: list[int]) -> None:
    """Many notes and papers at once (an import): their outbox rows in one statement."""
    if connection.in_atomic_block and transaction.get_rollback():
        return  # a dry run
    rows = [PendingIndex(subject="library_note", object_id=pk) for pk in notes]
    rows += [PendingIndex(subject="paper", object_id=pk) for pk in papers]
    if not rows:
        return
    # PostgreSQL and SQLite both return the new ids (RETURNING).
    created = PendingIndex.objects.bulk_create(rows, batch_size=_LIBRARY_BATCH)
    _library_pending().update(row.pk for row in created)
    transaction.on_commit(_flush_library, robust=True)


def _flush_library() -> None:
    pending = _library_pending()
    if not pending:
        return
    row_ids = set(pending)
    pending.clear()
    with transaction.atomic():
        rows = list(
            PendingIndex.objects.select_for_update(skip_locked=True)
            .filter(pk__in=row_ids, subject__in=_LIBRARY_SUBJECTS)
            .values_list("pk", "subject", "object_id")
        )
        notes = {object_id for _, subject, object_id in rows if subject == "library_note"}
        papers = {object_id for _, subject, object_id in rows if subject == "paper"}
        if papers:
            notes.update(
                LibraryNote.objects.filter(paper_id__in=papers).values_list("pk", flat=True)
            )
        index_library_notes(notes)
        PendingIndex.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()


def index_link(url: str) -> None:
    """Link metadata for this URL arrived or changed: re-index what cites it."""
    key = url_key(url)
    if not key:
        return
    rows = SearchEntry.objects.filter(url_key=key).values_list("topic_id", "deep_dive_id")
    for topic_id, deep_dive_id in set(rows):
        if topic_id:
            index_topic(topic_id)
        elif deep_dive_id:
            index_deep_dive(deep_dive_id)


def index_link_id(link_id: int) -> None:
    url = Link.objects.filter(pk=link_id).values_list("canonical_url", flat=True).first()
    if url:
        index_link(url)


# What an outbox row names, and the update it owes.
SUBJECTS: dict[str, Callable[[int], None]] = {
    "topic": index_topic,
    "topic_entry": index_topic_entry,
    "remark": index_remark,
    "deep_dive": index_deep_dive,
    "meeting": index_meeting,
    "member": index_member,
    "library_note": index_library_note,
    "paper": index_paper,
    "link": index_link_id,
}
_SUBJECT_OF: dict[type, str] = {
    Topic: "topic",
    Remark: "remark",
    DeepDive: "deep_dive",
    Meeting: "meeting",
    User: "member",
    LibraryNote: "library_note",
    Paper: "paper",
}


# --------------------------------------------------------------------------------------------
# The outbox: an update owed is a row written with the change, done after the commit.
# --------------------------------------------------------------------------------------------


def _owe(subject: str, object_id: int) -> int:
    return PendingIndex.objects.create(subject=subject, object_id=object_id).pk


def _do_owed(row_id: int, subject: str, object_id: int) -> None:
    # Locked, so the sweep and this never index the same thing at once (which could write
    # its entries twice); a row the sweep holds or has done is left to it.
    with transaction.atomic():
        claimed = PendingIndex.objects.select_for_update(skip_locked=True).filter(
            pk=row_id, subject=subject, object_id=object_id
        )
        if claimed.values_list("pk", flat=True):
            SUBJECTS[subject](object_id)
            PendingIndex.objects.filter(pk=row_id).delete()


def schedule(subject: str, object_id: int) -> None:
    """Owe `subject` an index update: a row now, in the writer's transaction, and the update
    once it commits (at once outside a transaction). `robust`: the write has already
    succeeded when it runs; an error is logged and the row stays for the sweep, rather than
    turning a saved edit into an error page."""
    if connection.in_atomic_block and transaction.get_rollback():
        return  # a dry run: nothing of it will commit
    if subject in _LIBRARY_SUBJECTS:
        _schedule_library(subject=subject, object_id=object_id)
        return
    row_id = _owe(subject, object_id)

    # A function, not a partial: Django logs a failed robust hook by its __qualname__, and a
    # partial has none (the AttributeError would escape and turn the saved write into a 500).
    def index_owed() -> None:
        _do_owed(row_id, subject, object_id)

    transaction.on_commit(index_owed, robust=True)


SWEEP_GRACE = dt.timedelta(seconds=10)  # fresher rows are about to be done by their writer
_SWEEP_BATCH = 200


def sweep_pending_index(*, now: dt.datetime | None = None) -> int:
    """Beat: do the updates whose on-commit work never ran; returns how many rows were done.

    Runs until no row older than the grace is left, so one sweep brings the index level
    with the database. A row whose update fails stays (logged) for the next sweep.
    """
    cutoff = (now or timezone.now()) - SWEEP_GRACE
    done = 0
    failed: set[int] = set()
    while True:
        with transaction.atomic():
            batch = list(
                PendingIndex.objects.select_for_update(skip_locked=True)
                .filter(created_at__lt=cutoff)
                .exclude(pk__in=failed)
                .order_by("pk")
                .values_list("pk", "subject", "object_id")[:_SWEEP_BATCH]
            )
            if not batch:
                return done
            owed: dict[tuple[str, int], list[int]] = {}
            for pk, subject, object_id in batch:
                owed.setdefault((subject, object_id), []).append(pk)
            finished: list[int] = []
            for (subject, object_id), pks in owed.items():
                try:
                    with transaction.atomic():
                        if subject in SUBJECTS:  # an unknown subject is dropped
                            SUBJECTS[subject](object_id)
                except Exception:
                    logger.exception("index update for %s %s failed", subject, object_id)
                    failed.update(pks)
                    continue
                finished.extend(pks)
            PendingIndex.objects.filter(pk__in=finished).delete()
            done += len(finished)


# Inside index_deferred(): the meetings whose index entries are out of date.
_deferred_meetings: ContextVar[set[int] | None] = ContextVar("deferred_index", default=None)


def _meeting_id_of(obj) -> int | None:
    if isinstance(obj, Meeting):
        return obj.pk
    if isinstance(obj, Topic):
        return obj.block.meeting_id
    if isinstance(obj, DeepDive):
        return obj.meeting_id
    if isinstance(obj, Remark):
        if obj.topic is not None:
            return obj.topic.block.meeting_id
        assert obj.deep_dive is not None  # a remark is on a topic or on the main topic
        return obj.deep_dive.meeting_id
    return None  # a member: their meetings are not known without a query


@contextmanager
def index_deferred() -> Iterator[None]:
    """Bulk writers (the importer): index each meeting they touch once, at commit, not per row.

    Inside the block, schedule_index only notes the meeting; on a normal exit every noted
    meeting is re-indexed whole when the transaction commits (nothing if it rolls back).
    """
    meetings: set[int] = set()
    token = _deferred_meetings.set(meetings)
    try:
        yield
    finally:
        _deferred_meetings.reset(token)
    for meeting_id in sorted(meetings):
        schedule("meeting", meeting_id)


def schedule_index(obj: Topic | Remark | DeepDive | Meeting | User | LibraryNote | Paper) -> None:
    """Re-index `obj` once the current transaction commits (at once outside a transaction)."""
    _schedule_for(obj)


def schedule_topic_entry_index(topic: Topic) -> None:
    """Like schedule_index(topic), for a save that left the topic's kind and title as they were."""
    _schedule_for(topic, subject="topic_entry")


def _schedule_for(obj, *, subject: str | None = None) -> None:
    deferred = _deferred_meetings.get()
    if deferred is not None and (meeting_id := _meeting_id_of(obj)) is not None:
        deferred.add(meeting_id)
        return
    if subject is None:
        subject = next((s for model, s in _SUBJECT_OF.items() if isinstance(obj, model)), None)
    if subject is None:
        raise TypeError(f"schedule_index does not know {type(obj).__name__}")
    schedule(subject, obj.pk)
