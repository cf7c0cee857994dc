"""Who may do what with papers, in one place: views and templates ask these functions."""

from __future__ import annotations

from typing import Any

from apps.accounts.permissions import is_organizer


def can_review_paper_matches(user: Any) -> bool:
    # Reviewing an import's papers is part of importing: the same organizers.
    return is_organizer(user)


def can_add_library_note(user: Any) -> bool:
    """Any member keeps notes on papers and tags them."""
    return bool(user.is_authenticated)


def can_import_library(user: Any) -> bool:
    # Members import their own collections; the notes are theirs.
    return bool(user.is_authenticated)


def can_vote(user: Any) -> bool:
    """Any member says what they want to hear, proposes and claims."""
    return bool(user.is_authenticated)


def can_see_voters(user: Any) -> bool:
    # Members see who wants to hear what; readers who are not signed in see counts.
    return bool(user.is_authenticated)


def can_withdraw_entry(user: Any, entry: Any) -> bool:
    """The member who proposed it, or an organizer tidying the queue."""
    return bool(user.is_authenticated and (is_organizer(user) or entry.proposed_by_id == user.pk))
