"""The reading queue in a browser: one click votes (htmx, in place), a second takes it back,
and claiming a paper puts the member's topic on the next board."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.papers.models import Vote
from apps.papers.queue_selectors import queue_entries
from apps.topics.models import Topic
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_votes_on_a_card_in_place_and_takes_it_back(login, live_server):
    meeting = factories.meeting(date=timezone.localdate() + dt.timedelta(days=2))
    topic = factories.topic(meeting=meeting, title="聞いてみたい話")
    member = factories.MemberFactory(handle="fr")
    page = login(member)

    button = page.locator(f"#vote-{topic.anchor} button")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    expect(page.locator(f"#vote-{topic.anchor} button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#vote-{topic.anchor} .count")).to_have_text("1")
    expect(page.locator(f"#vote-{topic.anchor} .voters")).to_contain_text("@fr")
    assert page.url.rstrip("/") == live_server.url  # swapped in place, no reload
    assert Vote.objects.filter(topic=topic, member=member).exists()

    page.locator(f"#vote-{topic.anchor} button").click()
    expect(page.locator(f"#vote-{topic.anchor} button")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(f"#vote-{topic.anchor} .count")).to_have_text("0")
    assert not Vote.objects.exists()


def test_a_member_proposes_a_request_and_another_claims_it_onto_the_board(login, live_server):
    meeting = factories.meeting(date=timezone.localdate() + dt.timedelta(days=2))
    page = login(factories.MemberFactory(handle="fr"))
    page.goto(f"{live_server.url}/queue/")
    page.fill("input[name=text]", "誰かRLHFの最近の流れを")
    page.get_by_role("button", name="提案する").click()
    expect(page.locator(".queue-entries")).to_contain_text("誰かRLHFの最近の流れを")
    expect(page.locator(".queue-entries .count").first).to_have_text("1")

    page.context.clear_cookies()
    claimer = factories.MemberFactory(handle="kb")
    page = login(claimer)
    page.goto(f"{live_server.url}/queue/")
    page.get_by_role("button", name="発表する").click()
    topic = Topic.objects.get(block__presenter=claimer)
    page.wait_for_url(f"**{meeting.get_absolute_url()}#{topic.anchor}")
    expect(page.locator(f"#{topic.anchor} .topic-title")).to_contain_text("誰かRLHFの最近の流れを")
    page.goto(f"{live_server.url}/queue/")
    expect(page.locator(".queue-claimed")).to_contain_text("@kb")
    assert not queue_entries().exists()
