"""Who may do what, in one place: views and templates ask these functions."""

from __future__ import annotations

from typing import Any


def is_organizer(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_organizer or user.is_superuser))


def can_manage_meetings(user: Any) -> bool:
    return is_organizer(user)


def can_add_remark(user: Any) -> bool:
    return bool(user.is_authenticated)
