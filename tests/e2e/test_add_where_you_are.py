"""＋ トピックを追加 is where the member is: top of the board, own block, the N key."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.topics.models import Topic
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    return factories.meeting(date=dt.date.today() + dt.timedelta(days=2), title="次回")


@pytest.fixture
def member():
    return factories.MemberFactory(handle="fr", display_name="Fumika")


def crowd(meeting, member):
    """A long board: the add panel at its end is far below the first screen."""
    for n in range(6):
        other = factories.MemberFactory()
        for k in range(2):
            title = f"他の人 {n}-{k}"
            factories.topic(meeting=meeting, presenter=other, title=title, notes="x\n\n" * 8)
    factories.topic(meeting=meeting, presenter=member, title="自分の最初のトピック")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_top_button_opens_the_form_and_the_new_card_is_scrolled_to_and_focused(
    page, login, meeting, member, width
):
    crowd(meeting, member)
    page.set_viewport_size({"width": width, "height": 800})
    login(member)

    top = page.locator(".meeting-header [data-open-add]")
    expect(top).to_be_in_viewport()
    top.click()
    form = page.locator("#add-topic-form")
    expect(form.get_by_label("出典URL")).to_be_focused()
    form.get_by_label("タイトル").fill("上から足したトピック")
    form.get_by_role("button", name="追加").click()

    expect(page.locator("#presenter-fr .topic", has_text="上から足したトピック")).to_have_count(1)
    topic = Topic.objects.get(title="上から足したトピック")
    card = page.locator(f"#{topic.anchor}")
    expect(card).to_be_focused()
    expect(card).to_be_in_viewport()


def test_own_block_has_the_button_and_n_opens_the_form(login, meeting, member):
    crowd(meeting, member)
    page = login(member)
    page_block = page.locator("#presenter-fr")
    expect(page_block.locator("[data-open-add]")).to_have_count(1)
    other_block = page.locator(".presenter:not(#presenter-fr)").first
    expect(other_block.locator("[data-open-add]")).to_have_count(0)  # one adds only as oneself

    page.locator("body").press("n")
    expect(page.locator("#add-topic-form").get_by_label("出典URL")).to_be_focused()
    # Typing "n" in a field types it.
    page.locator("#add-topic-form").get_by_label("タイトル").press("n")
    expect(page.locator("#add-topic-form").get_by_label("タイトル")).to_have_value("n")


def test_errors_of_a_failed_add_are_gone_after_a_success(login, meeting, member):
    page = login(member)
    page.locator(".meeting-header [data-open-add]").click()
    form = page.locator("#add-topic-form")
    form.get_by_label("出典URL").fill("これはURLではない")
    form.get_by_role("button", name="追加").click()
    expect(form.locator(".field-errors").first).to_contain_text("URLの形式が正しくありません")

    form.get_by_label("出典URL").fill("")
    form.get_by_label("タイトル").fill("直してから追加")
    form.get_by_role("button", name="追加").click()

    expect(page.locator("#presenter-fr .topic")).to_contain_text("直してから追加")
    expect(form.locator(".field-errors")).to_have_count(0)
    expect(form.locator(".has-error")).to_have_count(0)
    expect(form.get_by_label("出典URL")).to_have_value("")
    expect(form.get_by_label("タイトル")).to_have_value("")


def test_on_a_phone_the_agenda_folds_and_the_first_screen_shows_the_meeting(
    page, login, meeting, member
):
    crowd(meeting, member)
    page.set_viewport_size({"width": 390, "height": 800})
    login(member)
    expect(page.locator("[data-agenda-toggle]")).not_to_have_attribute("open", "")
    expect(page.locator(".meeting-header h1")).to_be_in_viewport()
    expect(page.locator(".presenter .topic-title").first).to_be_in_viewport()
    page.locator("#agenda summary").click()
    expect(page.locator("#agenda .agenda-topics a").first).to_be_visible()


def test_on_a_desktop_the_agenda_stays_open(page, login, meeting, member):
    crowd(meeting, member)
    page.set_viewport_size({"width": 1280, "height": 800})
    login(member)
    expect(page.locator("#agenda .agenda-topics a").first).to_be_visible()
