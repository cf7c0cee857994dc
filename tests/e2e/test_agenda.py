"""Organizers build the agenda and run the meeting, in a real browser."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.meetings.models import Meeting
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    meeting = factories.meeting(date=dt.date.today() + dt.timedelta(days=3), title="次回")
    for handle in ("aoi", "ben", "chi"):
        presenter = factories.MemberFactory(handle=handle, display_name=handle.capitalize())
        factories.topic(meeting=meeting, presenter=presenter, kind="paper", title=f"{handle} paper")
        factories.topic(meeting=meeting, presenter=presenter, kind="blog", title=f"{handle} blog")
    return meeting


@pytest.fixture
def organizer():
    return factories.MemberFactory(handle="boss", display_name="Boss", is_organizer=True)


def presenters(meeting) -> list[str]:
    return [
        b.presenter.handle for b in meeting.blocks.order_by("position").select_related("presenter")
    ]


def test_drag_and_drop_reorders_presenters(login, live_server, meeting, organizer):
    page = login(organizer)
    page.goto(f"{live_server.url}/meetings/{meeting.date}/agenda/")
    blocks = page.locator(".agenda-block")
    expect(blocks.first).to_contain_text("Aoi")

    with page.expect_response(lambda r: "/agenda/blocks/move/" in r.url) as moved:
        blocks.nth(2).locator(".agenda-row .drag-handle").drag_to(
            blocks.nth(0).locator(".agenda-row"), target_position={"x": 20, "y": 2}
        )
    assert moved.value.ok

    expect(page.locator(".agenda-block").first).to_contain_text("Chi")
    assert presenters(meeting) == ["chi", "aoi", "ben"]


def test_keyboard_reorder_keeps_focus_on_the_moved_row(login, live_server, meeting, organizer):
    page = login(organizer)
    page.goto(f"{live_server.url}/meetings/{meeting.date}/agenda/")
    first_block = page.locator(".agenda-block").first
    topic_id = first_block.locator(".agenda-topic").nth(1).get_attribute("data-id")

    page.locator(f"#move-topic-{topic_id}-up").focus()
    page.keyboard.press("Enter")

    expect(page.locator(".agenda-block").first.locator(".agenda-topic").first).to_contain_text(
        "aoi blog"
    )
    expect(
        page.locator(f"#move-topic-{topic_id}-down")
    ).to_be_focused()  # at the top: ↑ is disabled


def test_budget_overrun_warns_and_locking_closes_the_board(login, live_server, meeting, organizer):
    Meeting.objects.filter(pk=meeting.pk).update(length_minutes=40)
    page = login(organizer)
    page.goto(f"{live_server.url}/meetings/{meeting.date}/agenda/")

    expect(page.locator(".budget")).to_contain_text(
        "5分オーバー"
    )  # 3 papers × 10 + 3 blogs × 5 = 45
    topic = page.locator(".agenda-topic").first
    topic.locator("input[type=checkbox]").check()
    expect(page.locator(".budget")).not_to_contain_text(
        "オーバー"
    )  # 10 minutes now only if time allows

    page.get_by_role("button", name="アジェンダを確定する").click()
    expect(page.locator("#status-title")).to_contain_text("確定")
    assert Meeting.objects.get(pk=meeting.pk).status == "locked"


def test_meeting_day_timer_and_keys(login, live_server, meeting, organizer):
    first = meeting.blocks.order_by("position").first().topics.order_by("position").first()
    first.minutes = 1
    first.save()
    page = login(organizer)
    page.goto(f"{live_server.url}/meetings/{meeting.date}/present/")

    page.keyboard.press("ArrowRight")
    expect(page.locator(".slide-title")).to_contain_text("aoi paper")
    timer = page.locator("[data-timer]")
    expect(timer).to_have_attribute("data-state", "green")

    # Pretend the topic started 70 seconds ago: over its one-minute budget, the timer turns red.
    started = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=70)).isoformat()
    timer.evaluate("(el, started) => el.setAttribute('data-started', started)", started)
    expect(timer).to_have_attribute("data-state", "red")

    page.keyboard.press("ArrowRight")
    expect(page.locator(".slide-title")).to_contain_text("aoi blog")
    page.keyboard.press("ArrowLeft")
    expect(page.locator(".slide-title")).to_contain_text("aoi paper")
    assert Meeting.objects.get(pk=meeting.pk).current_topic_id == first.pk
