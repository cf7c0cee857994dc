"""The index follows every write: search listens to the changes the apps below it announce.

Each listener only schedules; the index is updated when the writer's transaction commits.
"""

from __future__ import annotations

from apps.core import changes

from .indexing import (
    schedule,
    schedule_index,
    schedule_library_many,
    schedule_topic_entry_index,
)


def topic_changed(change: changes.Change) -> None:
    if change.details.get("remarks_follow", True):
        schedule_index(change.obj)
    else:  # kind and title unchanged: the remarks' entries, which repeat them, stay
        schedule_topic_entry_index(change.obj)


def object_changed(change: changes.Change) -> None:
    schedule_index(change.obj)


def link_metadata_changed(change: changes.Change) -> None:
    """Paper titles, authors and abstracts are searchable too: re-index what cites the link."""
    schedule("link", change.obj.pk)


def library_written(change: changes.Change) -> None:
    schedule_library_many(notes=change.details["notes"], papers=change.details["papers"])


def register() -> None:
    changes.listen(changes.TOPIC, topic_changed)
    for subject in (
        changes.REMARK,
        changes.DEEP_DIVE,
        changes.MEETING,
        changes.MEMBER,
        changes.LIBRARY_NOTE,
        changes.PAPER,
    ):
        changes.listen(subject, object_changed)
    changes.listen(changes.LINK_METADATA, link_metadata_changed)
    changes.listen(changes.LIBRARY_WRITTEN, library_written)
