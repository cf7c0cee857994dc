"""What the group does when a meeting changes (announced by the meetings app)."""

from __future__ import annotations

from django.db import transaction

from apps.core import changes
from apps.meetings.models import Meeting

from .reminders import queue_agenda_reminder
from .services import feed_token_revoke


def meeting_status_changed(change: changes.Change) -> None:
    """A meeting is 確定: tell the group its agenda (Slack, when the group has a webhook)."""
    if change.details.get("status") == Meeting.Status.LOCKED:
        meeting_id = change.pk
        transaction.on_commit(lambda: queue_agenda_reminder(meeting_id))


def member_deactivated(change: changes.Change) -> None:
    """A member who may not log in may not read the board through a feed URL either."""
    feed_token_revoke(user_id=change.pk)


def register() -> None:
    changes.listen(changes.MEETING_STATUS, meeting_status_changed)
    changes.listen(changes.MEMBER_DEACTIVATED, member_deactivated)
