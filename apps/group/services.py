"""Writes for the group's settings and feed tokens."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from .models import SINGLETON_ID, FeedToken, GroupSettings, new_feed_token

if TYPE_CHECKING:
    from apps.accounts.models import User

# What organizers may change (the id and updated_at are the app's own).
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "meeting_weekday",
        "start_time",
        "length_minutes",
        "time_zone",
        "guidance_template",
        "deadline_days_before",
        "deadline_time",
        "minutes_paper",
        "minutes_blog",
        "minutes_oss",
        "minutes_main_topic",
        "slack_webhook_url",
        "remind_call_for_topics",
        "reminder_hours_before_deadline",
        "remind_agenda",
    }
)

# One-line values where stray spaces are typos (the guidance keeps its own whitespace).
_STRIPPED = frozenset({"name", "time_zone", "slack_webhook_url"})


def group_settings_ensure() -> GroupSettings:
    """The settings row, made from the environment's defaults if there is none yet.

    get_or_create: two processes starting at once both end up with the same single row.
    """
    row, _created = GroupSettings.objects.get_or_create(pk=SINGLETON_ID)
    return row


@transaction.atomic
def group_settings_update(
    *,
    name: str | None = None,
    meeting_weekday: int | None = None,
    start_time: dt.time | None = None,
    length_minutes: int | None = None,
    time_zone: str | None = None,
    guidance_template: str | None = None,
    deadline_days_before: int | None = None,
    deadline_time: dt.time | None = None,
    minutes_paper: int | None = None,
    minutes_blog: int | None = None,
    minutes_oss: int | None = None,
    minutes_main_topic: int | None = None,
    slack_webhook_url: str | None = None,
    remind_call_for_topics: bool | None = None,
    reminder_hours_before_deadline: int | None = None,
    remind_agenda: bool | None = None,
) -> GroupSettings:
    """Change the fields given (None leaves a field as it is); raises ValidationError."""
    group_settings_ensure()
    row = GroupSettings.objects.select_for_update().get(pk=SINGLETON_ID)
    values = {
        "name": name,
        "meeting_weekday": meeting_weekday,
        "start_time": start_time,
        "length_minutes": length_minutes,
        "time_zone": time_zone,
        "guidance_template": guidance_template,
        "deadline_days_before": deadline_days_before,
        "deadline_time": deadline_time,
        "minutes_paper": minutes_paper,
        "minutes_blog": minutes_blog,
        "minutes_oss": minutes_oss,
        "minutes_main_topic": minutes_main_topic,
        "slack_webhook_url": slack_webhook_url,
        "remind_call_for_topics": remind_call_for_topics,
        "reminder_hours_before_deadline": reminder_hours_before_deadline,
        "remind_agenda": remind_agenda,
    }
    for field, value in values.items():
        if value is None:
            continue
        if field in _STRIPPED and isinstance(value, str):
            value = value.strip()
        setattr(row, field, value)
    row.full_clean()
    row.save()
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
