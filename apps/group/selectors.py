"""Reads for the group's settings, reminders and feeds."""

from __future__ import annotations

import hmac
from contextvars import ContextVar
from typing import TYPE_CHECKING

from .models import SINGLETON_ID, FeedToken, GroupSettings, Reminder

if TYPE_CHECKING:
    from apps.accounts.models import User


# The row read once by the language middleware, reused for the rest of that request.
request_row: ContextVar[GroupSettings | None] = ContextVar("group_settings_row", default=None)


def group_settings() -> GroupSettings:
    """The group's settings: one indexed query; created from the env defaults on first use.

    Not cached in memory on purpose: the web server, the worker and beat are separate
    processes, and a stale weekday or webhook in one of them would be a real bug.
    """
    row = request_row.get()
    if row is not None:
        return row
    row = GroupSettings.objects.filter(pk=SINGLETON_ID).first()
    if row is None:
        from .services import group_settings_ensure

        row = group_settings_ensure()
    return row


def saved_group_settings() -> GroupSettings | None:
    """The settings row if there is one; never writes (a read-only request stays one)."""
    return GroupSettings.objects.filter(pk=SINGLETON_ID).first()


FEED_TOKEN_LOOKUP = 8


def recent_reminders(*, limit: int = 10) -> list[Reminder]:
    return list(Reminder.objects.select_related("meeting").order_by("-updated_at", "-pk")[:limit])


def feed_token_owner(*, token: str) -> User | None:
    """The active member a feed token belongs to, or None.

    The database finds candidates by the first characters only; the whole token is compared
    in constant time, so how long an answer takes does not say how much of a guess was right
    (beyond those characters, the rest are 144 random bits).
    """
    if len(token) < FEED_TOKEN_LOOKUP or len(token) > 64:
        return None
    rows = FeedToken.objects.select_related("user").filter(
        token__startswith=token[:FEED_TOKEN_LOOKUP], user__is_active=True
    )
    match = None
    for row in rows:
        if hmac.compare_digest(row.token.encode(), token.encode()):
            match = row.user
    return match
