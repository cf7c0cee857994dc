"""The roles every app's permission rules build on; each app states its own rules beside it."""

from __future__ import annotations

from typing import Any


def is_organizer(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_organizer or user.is_superuser))


def can_manage_members(user: Any) -> bool:
    """Organizers unlock logins and hand out password links; that is all they change here."""
    return is_organizer(user)


def can_hand_out_password_link(user: Any, member: Any) -> bool:
    """Organizers give a first password to members who have none (imported from the old
    notes). Never for staff or a member who has a password: that would let an organizer
    take over an account with more rights or one that is in use."""
    return bool(
        is_organizer(user)
        and member.is_active
        and not member.has_usable_password()
        and not (member.is_staff or member.is_superuser)
    )
