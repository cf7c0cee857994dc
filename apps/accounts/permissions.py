"""The roles every app's permission rules build on; each app states its own rules beside it."""

from __future__ import annotations

from typing import Any


def is_organizer(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_organizer or user.is_superuser))


def can_manage_members(user: Any) -> bool:
    """Organizers unlock logins and hand out password links; that is all they change here."""
    return is_organizer(user)
