"""Who may do what with papers, in one place: views and templates ask these functions."""

from __future__ import annotations

from typing import Any

from apps.accounts.permissions import is_organizer


def can_review_paper_matches(user: Any) -> bool:
    # Reviewing an import's papers is part of importing: the same organizers.
    return is_organizer(user)
