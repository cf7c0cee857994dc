"""What the main topic does when its paper's link changes (announced by the links app)."""

from __future__ import annotations

from apps.core import changes
from apps.meetings.services import meetings_touch

from .models import DeepDive


def link_changed(change: changes.Change) -> None:
    """The paper's card is part of the main topic's section: its board refreshes."""
    meetings_touch(meeting_ids=DeepDive.objects.filter(link_id=change.pk).values("meeting_id"))


def link_merged(change: changes.Change) -> None:
    DeepDive.objects.filter(link_id=change.pk).update(link_id=change.details["into"])


def register() -> None:
    changes.listen(changes.LINK_MERGED, link_merged)
    changes.listen(changes.LINK_METADATA, link_changed)
    changes.listen(changes.LINK_CARD, link_changed)
