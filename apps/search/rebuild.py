"""Recreating the whole search index from the board (`manage.py rebuild_search_index`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from types import SimpleNamespace

from django.db import connection, transaction

from apps.accounts.models import User
from apps.deepdives.models import DeepDive
from apps.meetings.models import Meeting
from apps.papers.models import LibraryNote
from apps.topics.models import Remark, Topic

from .backends import get_backend
from .entries import (
    Row,
    deep_dive_entries,
    library_note_entry,
    preload_link_texts,
    preloaded_link_texts,
    remark_entry,
    topic_entry,
)

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Rebuild.
# --------------------------------------------------------------------------------------------


@dataclass
class RebuildStats:
    entries: int = 0
    topics: int = 0
    remarks: int = 0
    deep_dives: int = 0
    library_notes: int = 0
    seconds: float = 0.0


def _batched(iterable: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _all_entries(stats: RebuildStats, chunk: int) -> Iterator[Row]:
    token = preloaded_link_texts.set(preload_link_texts())
    try:
        yield from _all_entries_loaded(stats, chunk)
    finally:
        preloaded_link_texts.reset(token)


def _all_entries_loaded(stats: RebuildStats, chunk: int) -> Iterator[Row]:
    # Plain rows instead of model instances with their related objects: at 100k topics,
    # building those objects would cost more than tokenizing the text.
    meetings = {m.pk: m for m in Meeting.objects.only("id", "date", "title")}
    people = {u.pk: u for u in User.objects.only("id", "display_name", "handle")}

    topics = (
        Topic.objects.live()
        .order_by("pk")
        .values_list(
            "pk", "block__meeting_id", "block__presenter_id", "kind", "title", "url", "notes"
        )
    )
    for pk, meeting_id, presenter_id, kind, title, url, notes in topics.iterator(chunk_size=chunk):
        stats.topics += 1
        topic = SimpleNamespace(pk=pk, kind=kind, title=title, url=url, notes=notes)
        yield topic_entry(topic, meeting=meetings[meeting_id], presenter=people[presenter_id])

    remarks = (
        Remark.objects.filter(topic__isnull=False, topic__deleted_at__isnull=True)
        .order_by("pk")
        .values_list(
            "pk",
            "topic_id",
            "author_id",
            "body",
            "topic__kind",
            "topic__title",
            "topic__block__meeting_id",
        )
    )
    for pk, topic_id, author_id, body, kind, title, meeting_id in remarks.iterator(
        chunk_size=chunk
    ):
        stats.remarks += 1
        remark = SimpleNamespace(pk=pk, topic_id=topic_id, deep_dive_id=None, body=body)
        yield remark_entry(
            remark, meeting=meetings[meeting_id], kind=kind, context=title, author=people[author_id]
        )

    deep_dives = DeepDive.objects.order_by("pk")
    for deep_dive in deep_dives.iterator(chunk_size=max(1, chunk // 10)):
        stats.deep_dives += 1
        yield from deep_dive_entries(
            deep_dive,
            meeting=meetings[deep_dive.meeting_id],
            presenter=people[deep_dive.presenter_id],
        )

    main_topic_remarks = (
        Remark.objects.filter(deep_dive__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "deep_dive_id", "author_id", "body", "deep_dive__title", "deep_dive__meeting_id"
        )
    )
    for pk, deep_dive_id, author_id, body, title, meeting_id in main_topic_remarks.iterator(
        chunk_size=chunk
    ):
        stats.remarks += 1
        remark = SimpleNamespace(pk=pk, topic_id=None, deep_dive_id=deep_dive_id, body=body)
        yield remark_entry(
            remark,
            meeting=meetings[meeting_id],
            kind=Topic.Kind.PAPER,
            context=title,
            author=people[author_id],
        )

    library_notes = LibraryNote.objects.select_related("paper", "author").prefetch_related(
        "paper__tags"
    )
    for note in library_notes.order_by("pk").iterator(chunk_size=chunk):
        stats.library_notes += 1
        yield library_note_entry(note, tags=[t.label for t in note.paper.tags.all()])


@contextmanager
def _bulk_load(*, fast: bool) -> Iterator[None]:
    backend = get_backend()
    backend.begin_rebuild()
    if fast:
        with backend.bulk_load():
            yield
    else:
        yield
    backend.finish_rebuild()


def rebuild_index(
    *, batch_size: int = 2000, fast: bool = False, progress: Callable[[int], None] | None = None
) -> RebuildStats:
    """Recreate the whole index from the board, in one transaction: searches meanwhile see
    the old index (PostgreSQL) or wait for the new one (SQLite), never a half-built one.

    `fast`: on PostgreSQL, load without the GIN indexes and build them at the end (several
    times faster, but searches wait until it is done): for a first load or a benchmark.
    """
    started = time.perf_counter()
    stats = RebuildStats()
    backend = get_backend()
    with transaction.atomic(), _bulk_load(fast=fast):
        for batch in _batched(_all_entries(stats, batch_size), batch_size):
            backend.bulk_insert(batch)
            stats.entries += len(batch)
            if progress is not None:
                progress(stats.entries)
    get_backend().after_rebuild()
    stats.seconds = time.perf_counter() - started
    logger.info(
        "search index rebuilt: %s entries in %.1fs (%s)",
        stats.entries,
        stats.seconds,
        connection.vendor,
    )
    return stats
