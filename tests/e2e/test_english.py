"""The main flows once in English: board, add a topic, agenda, search; no Japanese UI text.

Member content is ASCII here, so any Japanese left on a page is an untranslated UI string.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.topics.models import Topic
from tests import factories
from tests.i18n.test_pages_in_english import japanese_pieces

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def japanese_left(page) -> list[str]:
    text = page.content()
    return sorted(piece for piece in japanese_pieces() if piece in text)


def test_board_add_topic_agenda_and_search_in_english(login, live_server, settings):
    settings.GROUP_NAME = "ML Reading Group"
    meeting = factories.meeting(
        date=dt.date.today() + dt.timedelta(days=2), title="Weekly", guidance="Bring a paper."
    )
    organizer = factories.MemberFactory(handle="fr", display_name="Fumika", is_organizer=True)
    organizer.language = "en"
    organizer.save()

    page = login(organizer)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert japanese_left(page) == []

    page.locator("#add-topic summary").click()
    expect(page.locator("#add-topic summary")).to_have_text("+ Add a topic")
    form = page.locator("#add-topic-form")
    form.get_by_label("Source URL").fill("https://arxiv.org/abs/1706.03762")
    form.get_by_label("Title").fill("Attention Is All You Need")
    form.get_by_role("button", name="Add", exact=True).click()
    card = page.locator("#presenter-fr .topic").first
    expect(card.locator(".kind-badge")).to_have_text("[Paper]")
    assert Topic.objects.get().kind == "paper"  # the stored value is the same in any language
    assert japanese_left(page) == []

    page.goto(f"{live_server.url}{meeting.get_absolute_url()}agenda/")
    expect(page.locator("h1")).to_contain_text("Edit agenda")
    assert japanese_left(page) == []

    page.goto(f"{live_server.url}/search/")
    expect(page.locator("main")).to_contain_text("How to search")
    expect(page.locator("main")).to_contain_text("kind:paper")
    assert japanese_left(page) == []
    page.goto(f"{live_server.url}/search/?q=Attention+kind:paper")
    expect(page.locator("main")).to_contain_text("Archive search")
    assert japanese_left(page) == []
