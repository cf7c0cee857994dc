"""Reads for the group's settings, reminders and feeds."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from .models import SINGLETON_ID, FeedToken, GroupSettings, Reminder

if TYPE_CHECKING:
    from apps.accounts.models import User


def group_settings() -> GroupSettings:
    """The group's settings: one indexed query; created from the env defaults on first use.

    Not cached in memory on purpose: the web server, the worker and beat are separate
    processes, and a stale weekday or webhook in one of them would be a real bug.
    """
    row = GroupSettings.objects.filter(pk=SINGLETON_ID).first()
    if row is None:
        from .services import group_settings_ensure

        row = group_settings_ensure()
    return row


def recent_reminders(*, limit: int = 10) -> list[Reminder]:
    return list(Reminder.objects.select_related("meeting").order_by("-updated_at", "-pk")[:limit])


# The database finds candidates by the token's first characters only; the whole token is then
# compared in constant time, so response times cannot reveal how much of a guess was right
# beyond those (the rest of a token is still 144 random bits).
TOKEN_LOOKUP_CHARS = 8


def feed_token_owner(*, token: str) -> User | None:
    """The active member a feed token belongs to, or None."""
    if len(token) <= TOKEN_LOOKUP_CHARS or len(token) > 64:
        return None
    candidates = FeedToken.objects.select_related("user").filter(
        token__startswith=token[:TOKEN_LOOKUP_CHARS], user__is_active=True
    )
    given = token.encode()
    for row in candidates:
        if hmac.compare_digest(row.token.encode(), given):
            return row.user
    return None
