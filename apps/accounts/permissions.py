"""Who may do what, in one place: views and templates ask these functions."""

from __future__ import annotations

from typing import Any


def is_organizer(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_organizer or user.is_superuser))


def can_manage_meetings(user: Any) -> bool:
    return is_organizer(user)


def can_add_remark(user: Any) -> bool:
    return bool(user.is_authenticated)


def can_add_topic(user: Any, meeting: Any) -> bool:
    """Members post while a meeting is open; organizers can always add (e.g. after locking)."""
    if not user.is_authenticated:
        return False
    return is_organizer(user) or meeting.status == "open"


def can_edit_topic(user: Any, topic: Any) -> bool:
    return bool(
        user.is_authenticated and (is_organizer(user) or topic.block.presenter_id == user.pk)
    )


def can_edit_remark(user: Any, remark: Any) -> bool:
    return bool(user.is_authenticated and (is_organizer(user) or remark.author_id == user.pk))


def can_edit_deep_dive(user: Any, deep_dive: Any) -> bool:
    return bool(user.is_authenticated and (is_organizer(user) or deep_dive.presenter_id == user.pk))
