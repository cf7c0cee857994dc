"""Writes for the group's settings and feed tokens."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.db import transaction

from .models import SINGLETON_ID, FeedToken, GroupSettings, new_feed_token
from .selectors import request_row

if TYPE_CHECKING:
    from apps.accounts.models import User


class GroupSettingsChanges(TypedDict, total=False):
    """What organizers may change (the id and updated_at are the app's own), in the order the
    settings page shows it. None leaves a field as it is."""

    name: str | None
    meeting_weekday: int | None
    start_time: dt.time | None
    length_minutes: int | None
    time_zone: str | None
    language: str | None
    deadline_days_before: int | None
    deadline_time: dt.time | None
    minutes_paper: int | None
    minutes_blog: int | None
    minutes_oss: int | None
    minutes_main_topic: int | None
    guidance_template: str | None
    slack_webhook_url: str | None
    remind_call_for_topics: bool | None
    reminder_hours_before_deadline: int | None
    remind_agenda: bool | None


EDITABLE_FIELDS: tuple[str, ...] = tuple(GroupSettingsChanges.__annotations__)
# The webhook URL lets anyone post to the channel: no page or admin form ever shows it back.
SECRET_FIELDS: tuple[str, ...] = ("slack_webhook_url",)
SHOWN_FIELDS: tuple[str, ...] = tuple(f for f in EDITABLE_FIELDS if f not in SECRET_FIELDS)

# One-line values where stray spaces are typos (the guidance keeps its own whitespace).
_STRIPPED = frozenset({"name", "time_zone", "slack_webhook_url"})


def group_settings_ensure() -> GroupSettings:
    """The settings row, made from the environment's defaults if there is none yet.

    get_or_create: two processes starting at once both end up with the same single row.
    """
    row, _created = GroupSettings.objects.get_or_create(pk=SINGLETON_ID)
    return row


@transaction.atomic
def group_settings_update(**changes: Unpack[GroupSettingsChanges]) -> GroupSettings:
    """Change the fields given (None leaves a field as it is); raises ValidationError."""
    unknown = changes.keys() - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"group_settings_update() got unexpected fields {sorted(unknown)}")
    group_settings_ensure()
    row = GroupSettings.objects.select_for_update().get(pk=SINGLETON_ID)
    for field, value in changes.items():
        if value is None:
            continue
        # Every stripped field is a str (GroupSettingsChanges); the isinstance check says so to
        # the type checker, which sees the values of items() as object.
        if field in _STRIPPED and isinstance(value, str):
            value = value.strip()
        setattr(row, field, value)
    row.full_clean()
    row.save()
    request_row.set(None)  # the rest of this request reads the saved row afresh
    return row


def feed_token_for(*, user: User) -> FeedToken:
    token, _created = FeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def feed_token_reset(*, user: User) -> FeedToken:
    """A new secret: calendars subscribed with the old URL stop getting updates."""
    token = feed_token_for(user=user)
    token.token = new_feed_token()
    token.full_clean()
    token.save(update_fields=["token"])
    return token


def feed_token_revoke(*, user_id: int) -> int:
    """Forget a member's feed token: their calendar and feed URLs stop working for good (a
    reactivated member gets a new one)."""
    deleted, _ = FeedToken.objects.filter(user_id=user_id).delete()
    return deleted
