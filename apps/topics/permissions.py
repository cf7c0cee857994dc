"""Who may do what with topics and remarks, in one place: views and templates ask these."""

from __future__ import annotations

from typing import Any

from apps.accounts.permissions import is_organizer
from apps.meetings.models import Meeting


def can_add_topic(user: Any, meeting: Meeting) -> bool:
    """Members post while a meeting is open; organizers can always add (e.g. after locking)."""
    if not user.is_authenticated:
        return False
    return is_organizer(user) or meeting.status == Meeting.Status.OPEN


def can_edit_topic(user: Any, topic: Any) -> bool:
    return bool(
        user.is_authenticated and (is_organizer(user) or topic.block.presenter_id == user.pk)
    )


def can_add_remark(user: Any) -> bool:
    return bool(user.is_authenticated)


def can_edit_remark(user: Any, remark: Any) -> bool:
    return bool(user.is_authenticated and (is_organizer(user) or remark.author_id == user.pk))
