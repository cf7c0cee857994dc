"""Who may do what with the main topic, in one place: views and templates ask these."""

from __future__ import annotations

from typing import Any

from apps.accounts.permissions import is_organizer


def can_edit_deep_dive(user: Any, deep_dive: Any) -> bool:
    return bool(user.is_authenticated and (is_organizer(user) or deep_dive.presenter_id == user.pk))
