"""Who may do what with meetings, in one place: views and templates ask these functions."""

from __future__ import annotations

from typing import Any

from apps.accounts.permissions import is_organizer


def can_manage_meetings(user: Any) -> bool:
    return is_organizer(user)
