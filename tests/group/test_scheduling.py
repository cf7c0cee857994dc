"""Beat's scheduling task follows the group's settings: weekday, time zone, title, guidance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.group import tasks
from apps.group.services import group_settings_update
from apps.meetings.models import Meeting
from apps.meetings.services import schedule_upcoming_meetings
from tests import factories

pytestmark = pytest.mark.django_db

# Thursday 2025-04-03 20:00 UTC: already Friday 05:00 in Tokyo, still Thursday in Los Angeles.
NOW = dt.datetime(2025, 4, 3, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_meetings_are_created_on_the_groups_weekday_with_its_title_and_guidance(
    group, settings, frozen_now
):
    settings.MEETINGS_AHEAD = 3
    group_settings_update(
        meeting_weekday=2,
        name="LLM輪読会",
        guidance_template="## 今週のTOPIC\n\n締切は前日18時です。",
    )

    dates = tasks.schedule_upcoming_meetings()

    assert dates == ["2025-04-09", "2025-04-16", "2025-04-23"]  # Wednesdays
    meetings = list(Meeting.objects.order_by("date"))
    assert {m.title for m in meetings} == {"LLM輪読会"}
    assert all("締切は前日18時です" in m.guidance_html for m in meetings)


@pytest.mark.parametrize(
    ("time_zone", "first"),
    [("Asia/Tokyo", "2025-04-10"), ("America/Los_Angeles", "2025-04-03")],
)
def test_today_is_the_groups_today(group, settings, frozen_now, time_zone, first):
    settings.MEETINGS_AHEAD = 1
    group_settings_update(meeting_weekday=3, time_zone=time_zone)  # Thursdays

    assert tasks.schedule_upcoming_meetings() == [first]


def test_a_skipped_meeting_is_not_created_again(group, settings, frozen_now):
    settings.MEETINGS_AHEAD = 2
    holiday = factories.meeting(date=dt.date(2025, 4, 4))
    Meeting.objects.filter(pk=holiday.pk).update(status="skipped")

    assert tasks.schedule_upcoming_meetings() == ["2025-04-11"]
    assert tasks.schedule_upcoming_meetings() == []
    assert Meeting.objects.get(date=dt.date(2025, 4, 4)).status == "skipped"
    assert Meeting.objects.count() == 2


def test_a_meeting_moved_by_a_day_is_not_doubled(group, settings, frozen_now):
    settings.MEETINGS_AHEAD = 2
    factories.meeting(date=dt.date(2025, 4, 10))  # the 04-11 meeting, moved to Thursday

    assert tasks.schedule_upcoming_meetings() == ["2025-04-04"]
    assert not Meeting.objects.filter(date=dt.date(2025, 4, 11)).exists()


def test_changing_the_weekday_does_not_double_the_weeks_already_planned(
    group, settings, frozen_now
):
    settings.MEETINGS_AHEAD = 3
    assert tasks.schedule_upcoming_meetings() == ["2025-04-04", "2025-04-11", "2025-04-18"]

    group_settings_update(meeting_weekday=3)  # Thursdays from now on

    # Thursdays 04-10 and 04-17 sit next to planned Fridays (organizers move those by hand);
    # the first free week gets a Thursday.
    assert tasks.schedule_upcoming_meetings() == ["2025-04-24"]
    dates = sorted(Meeting.objects.values_list("date", flat=True))
    assert [d.isoformat() for d in dates] == [
        "2025-04-04",
        "2025-04-11",
        "2025-04-18",
        "2025-04-24",
    ]


def test_the_service_still_checks_only_the_exact_date_by_default():
    Meeting.objects.create(date=dt.date(2025, 4, 3), title="木曜の特別回")

    created = schedule_upcoming_meetings(today=dt.date(2025, 4, 1), weekday=4, count=1)

    assert [m.date for m in created] == [dt.date(2025, 4, 4)]
