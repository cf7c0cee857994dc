"""Who may do what with the group's settings and feeds."""

from __future__ import annotations

from typing import Any

from apps.accounts.permissions import is_organizer


def can_manage_group(user: Any) -> bool:
    return is_organizer(user)


def can_subscribe_feeds(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)
