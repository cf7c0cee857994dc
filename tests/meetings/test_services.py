from __future__ import annotations

import datetime as dt

import pytest

from apps.meetings.models import Meeting
from apps.meetings.services import next_meeting_dates, schedule_upcoming_meetings

FRIDAY = 4


def test_next_meeting_dates_start_today_when_today_is_the_weekday():
    friday = dt.date(2025, 3, 28)

    assert next_meeting_dates(today=friday, weekday=FRIDAY, count=2) == [
        dt.date(2025, 3, 28),
        dt.date(2025, 4, 4),
    ]


def test_next_meeting_dates_roll_over_to_next_week():
    saturday = dt.date(2025, 3, 29)

    assert next_meeting_dates(today=saturday, weekday=FRIDAY, count=1) == [dt.date(2025, 4, 4)]


@pytest.mark.django_db
def test_scheduling_creates_missing_meetings_once():
    today = dt.date(2025, 3, 26)
    Meeting.objects.create(date=dt.date(2025, 4, 4), title="手で作った会")

    first = schedule_upcoming_meetings(today=today, weekday=FRIDAY, count=3)
    second = schedule_upcoming_meetings(today=today, weekday=FRIDAY, count=3)

    assert [m.date for m in first] == [dt.date(2025, 3, 28), dt.date(2025, 4, 11)]
    assert second == []
    assert Meeting.objects.get(date=dt.date(2025, 4, 4)).title == "手で作った会"
    assert all("出典のURL" in m.guidance_html for m in first)
