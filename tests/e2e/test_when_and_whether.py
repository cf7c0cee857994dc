"""The board says when the meeting runs, until when topics are taken, and why one cannot add."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.group.services import group_settings_update
from apps.meetings.models import Meeting
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member():
    return factories.MemberFactory(handle="fr", display_name="Fumika")


@pytest.fixture
def meeting():
    group_settings_update(
        time_zone="Asia/Tokyo",
        start_time=dt.time(19, 30),
        deadline_days_before=1,
        deadline_time=dt.time(18, 0),
    )
    date = dt.date.today() + dt.timedelta(days=9)
    return factories.meeting(date=date, title="次回", length_minutes=120)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_board_shows_start_length_and_deadline(page, login, meeting, member, width):
    page.set_viewport_size({"width": width, "height": 800})
    login(member)
    schedule = page.locator(".meeting-schedule")
    expect(schedule).to_contain_text("19:30–21:30（120分）")
    before = meeting.date - dt.timedelta(days=1)
    deadline = f"締切 {before.month}/{before.day} 18:00 まで"
    expect(schedule.locator(".deadline")).to_have_text(deadline)
    expect(schedule).to_be_in_viewport()


def test_a_locked_meeting_says_why_members_cannot_add(login, meeting, member):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.LOCKED)
    page = login(member)
    expect(page.locator(".add-closed")).to_contain_text("確定したため")
    expect(page.locator("[data-open-add]")).to_have_count(0)
    expect(page.locator("#add-topic")).to_have_count(0)


def test_organizers_still_add_to_a_locked_meeting_without_the_note(login, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.LOCKED)
    boss = factories.MemberFactory(handle="boss", display_name="Boss", is_organizer=True)
    page = login(boss)
    expect(page.locator(".meeting-header [data-open-add]")).to_be_visible()
    expect(page.locator(".add-closed")).to_have_count(0)
