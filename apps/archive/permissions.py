"""Who may import and export, in one place: views and templates ask these functions."""

from __future__ import annotations

from typing import Any

from apps.accounts.permissions import is_organizer


def can_import_notes(user: Any) -> bool:
    # An import writes whole meetings and creates members: an organizer's job.
    return is_organizer(user)


def can_export_archive(user: Any) -> bool:
    # The JSON archive holds every member and every note, drafts of the future included.
    return is_organizer(user)
