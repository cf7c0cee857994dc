"""Changes announced by the app that made them, heard by the apps above it.

Apps form one-way layers: a lower app never imports a higher one. When something a lower app
owns changes (a link's metadata arrived, a topic was saved, a member renamed), it announces the
change here; the apps that care register a listener in their ``AppConfig.ready()`` — search
re-indexes, topics fill empty titles and bump the boards that show a link.

Listeners run synchronously, inside the writer's transaction, in the order they registered. A
listener that does slow or external work defers it itself (``transaction.on_commit``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# What can change, as announced. One name per subject; listeners subscribe to these.
LINK_METADATA = "link.metadata"  # a link was fetched: title, authors, abstract, picture
LINK_CARD = "link.card"  # the card changed but not its text: pending, failed, a new picture
LINK_CREATED = "link.created"  # a URL was pasted for the first time (papers recognise theirs)
# Two links turned out to be one page; details: into (the pk that stays). Listeners move
# what points at pk to into, before pk is deleted.
LINK_MERGED = "link.merged"
MEETING = "meeting"  # a meeting's date, title or guidance
MEETING_STATUS = "meeting.status"  # details: status (the new Meeting.Status value)
TOPIC = "topic"  # details: remarks_follow (False: kind and title unchanged)
REMARK = "remark"
DEEP_DIVE = "deep_dive"
MEMBER = "member"  # display name or handle
MEMBER_DEACTIVATED = "member.deactivated"  # may no longer log in: secrets they hold are revoked
PAPER = "paper"  # a library paper's title, card or tags
LIBRARY_NOTE = "library_note"  # a member's note on a paper
# Many notes and papers written at once (an import): pk 0, details notes and papers (ids).
LIBRARY_WRITTEN = "library_written"

SUBJECTS = frozenset(
    {
        LINK_CREATED,
        LINK_METADATA,
        LINK_CARD,
        LINK_MERGED,
        MEETING,
        MEETING_STATUS,
        TOPIC,
        REMARK,
        DEEP_DIVE,
        MEMBER,
        MEMBER_DEACTIVATED,
        PAPER,
        LIBRARY_NOTE,
        LIBRARY_WRITTEN,
    }
)


@dataclass(frozen=True)
class Change:
    subject: str
    pk: int
    obj: Any = None  # the saved instance, when the announcer has it (spares listeners a query)
    details: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[Change], None]

_listeners: dict[str, list[Listener]] = defaultdict(list)


def listen(subject: str, listener: Listener) -> None:
    """Call `listener` for every change of `subject`; registering twice has no effect."""
    if subject not in SUBJECTS:
        raise ValueError(f"unknown change subject {subject!r}")
    if listener not in _listeners[subject]:
        _listeners[subject].append(listener)


def announce(subject: str, *, pk: int, obj: Any = None, **details: Any) -> None:
    if subject not in SUBJECTS:
        raise ValueError(f"unknown change subject {subject!r}")
    change = Change(subject, pk, obj, details)
    for listener in tuple(_listeners.get(subject, ())):
        listener(change)
