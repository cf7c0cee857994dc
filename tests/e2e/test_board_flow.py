from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.topics.models import Remark
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_logs_in_reads_the_board_and_adds_a_remark(login, live_server):
    meeting = factories.meeting(date=dt.date.today() + dt.timedelta(days=2), title="次回の勉強会")
    topic = factories.topic(
        meeting=meeting, title="Memray", kind="oss", url="https://github.com/bloomberg/memray"
    )
    member = factories.MemberFactory(handle="fr", display_name="Fumika")

    page = login(member)

    expect(page.locator("h1")).to_have_text("次回の勉強会")
    card = page.locator(f"#{topic.anchor}")
    expect(card.locator(".kind-badge")).to_have_text("[oss]")
    card.get_by_text("コメントする").click()
    card.locator("textarea[name=body]").fill("めちゃ速い")
    card.get_by_role("button", name="送信").click()

    expect(page.locator(f"#{topic.anchor} .remark")).to_contain_text("[fr] めちゃ速い")
    assert Remark.objects.get().author == member


def test_agenda_links_jump_to_the_topic(login):
    meeting = factories.meeting(date=dt.date.today() + dt.timedelta(days=2))
    topics = [factories.topic(meeting=meeting, title=f"話題 {i}") for i in range(6)]
    page = login(factories.MemberFactory())

    page.locator(".agenda").get_by_text("話題 5").click()

    expect(page).to_have_url(f"{page.url.split('#')[0]}#{topics[5].anchor}")
    expect(page.locator(f"#{topics[5].anchor}")).to_be_in_viewport()
