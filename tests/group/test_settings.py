"""The group's settings row: env defaults on first use, validation, and the times it computes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.group.models import GroupSettings
from apps.group.selectors import group_settings
from apps.group.services import group_settings_update

pytestmark = pytest.mark.django_db


def test_first_use_creates_the_row_from_the_environment(settings):
    settings.GROUP_NAME = "NLP輪読会"
    settings.MEETING_WEEKDAY = 2
    settings.TIME_ZONE = "Asia/Tokyo"

    group = group_settings()

    assert (group.name, group.meeting_weekday, group.time_zone) == ("NLP輪読会", 2, "Asia/Tokyo")
    assert "出典のURL" in group.guidance_template
    assert group_settings().pk == group.pk
    assert GroupSettings.objects.count() == 1


def test_there_is_only_ever_one_row():
    group_settings()

    with pytest.raises(ValidationError):
        GroupSettings(id=2, name="二つ目").full_clean()


def test_reading_the_settings_takes_one_query(django_assert_num_queries):
    group_settings()

    with django_assert_num_queries(1):
        group_settings()


def test_update_changes_only_the_given_fields(group):
    updated = group_settings_update(name="  LLM勉強会 ", start_time=dt.time(20, 0))

    assert (updated.name, updated.start_time, updated.meeting_weekday) == (
        "LLM勉強会",
        dt.time(20, 0),
        4,
    )
    assert group_settings().name == "LLM勉強会"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"meeting_weekday": 7}, "meeting_weekday", "7"),
        ({"length_minutes": 0}, "length_minutes", "10"),
        (
            {"deadline_days_before": 0, "deadline_time": dt.time(20, 0)},
            "deadline_time",
            "会の開始（19:00）より後",
        ),
        ({"deadline_days_before": 7}, "deadline_days_before", "6"),
        ({"minutes_main_topic": 120}, "minutes_main_topic", "会の長さ（90分）を超えています"),
        ({"minutes_paper": 0}, "minutes_paper", "1"),
        ({"time_zone": "Asia/Tokio"}, "time_zone", "タイムゾーン名ではありません"),
        ({"time_zone": "../../etc/passwd"}, "time_zone", "タイムゾーン名ではありません"),
        ({"time_zone": "localtime"}, "time_zone", "タイムゾーン名ではありません"),
        (
            {"slack_webhook_url": "http://hooks.slack.com/services/T/B/X"},
            "slack_webhook_url",
            "https://",
        ),
        ({"slack_webhook_url": "hooks.slack.com/services/T/B/X"}, "slack_webhook_url", "URL"),
        ({"reminder_hours_before_deadline": 0}, "reminder_hours_before_deadline", "1"),
    ],
)
def test_impossible_settings_are_refused_with_a_message_on_the_field(group, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        group_settings_update(**fields)

    assert message in " ".join(caught.value.message_dict[field])
    assert group_settings().updated_at == group.updated_at  # nothing was saved


def test_a_deadline_before_the_start_on_the_day_itself_is_fine(group):
    updated = group_settings_update(deadline_days_before=0, deadline_time=dt.time(12, 0))

    assert updated.topic_deadline(dt.date(2025, 4, 4)) == dt.datetime(
        2025, 4, 4, 12, 0, tzinfo=updated.zone
    )


def test_times_are_in_the_groups_time_zone(group):
    friday = dt.date(2025, 4, 4)

    assert group.meeting_start(friday).isoformat() == "2025-04-04T19:00:00+09:00"
    assert group.meeting_end(friday).isoformat() == "2025-04-04T20:30:00+09:00"
    assert group.topic_deadline(friday).isoformat() == "2025-04-03T18:00:00+09:00"
    assert group.call_for_topics_at(friday) == dt.datetime(2025, 4, 2, 9, 0, tzinfo=dt.UTC)


def test_a_meeting_across_a_daylight_saving_change_lasts_its_real_length(group):
    group = group_settings_update(
        time_zone="America/New_York", start_time=dt.time(1, 30), length_minutes=60
    )
    # 2025-03-09: New York clocks jump from 02:00 to 03:00.
    start = group.meeting_start(dt.date(2025, 3, 9))
    end = group.meeting_end(dt.date(2025, 3, 9))

    # (Python subtracts two times of the same zone on the wall clock: compare in UTC.)
    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=1)
    assert end.isoformat() == "2025-03-09T03:30:00-04:00"


def test_default_minutes_per_kind(group):
    assert [group.default_minutes(kind) for kind in ("paper", "blog", "oss", "main")] == [
        10,
        5,
        5,
        30,
    ]


def test_the_webhook_hint_does_not_give_the_url_away(group):
    group = group_settings_update(
        slack_webhook_url="https://hooks.slack.com/services/T0001/B0002/SECRETabcd1234"
    )

    assert group.webhook_hint == "https://hooks.slack.com/…1234"
    assert "SECRET" not in group.webhook_hint
