"""Typed work is never lost: a changed editor asks before it closes, and drafts survive a reload."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.deepdives.models import DeepDive
from apps.topics.models import Topic
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    return factories.meeting(date=dt.date.today() + dt.timedelta(days=2), title="次回")


@pytest.fixture
def member():
    return factories.MemberFactory(handle="fr", display_name="Fumika")


@pytest.mark.parametrize("width", [1280, 390])
def test_escape_on_a_changed_editor_asks_and_keeps_the_text_when_refused(
    login, meeting, member, width
):
    topic = factories.topic(meeting=meeting, presenter=member, title="元のタイトル")
    page = login(member)
    page.set_viewport_size({"width": width, "height": 900})
    card = page.locator(f"#{topic.anchor}")
    card.get_by_role("link", name="編集").click()
    card.get_by_label("メモ").fill("一時間かけて書いたメモ")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    card.get_by_label("メモ").press("Escape")
    expect(card.locator("form[data-inline-edit]")).to_have_count(1)
    expect(card.get_by_label("メモ")).to_have_value("一時間かけて書いたメモ")
    assert len(asked) == 1
    assert "破棄" in asked[0]

    page.once("dialog", lambda dialog: dialog.dismiss())
    card.get_by_role("link", name="キャンセル").click()
    expect(card.get_by_label("メモ")).to_have_value("一時間かけて書いたメモ")

    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("link", name="キャンセル").click()
    expect(card.locator("form[data-inline-edit]")).to_have_count(0)
    expect(card.locator(".topic-title")).to_contain_text("元のタイトル")


def test_an_unchanged_editor_closes_without_asking(login, meeting, member):
    topic = factories.topic(meeting=meeting, presenter=member, title="そのまま")
    page = login(member)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    card = page.locator(f"#{topic.anchor}")
    card.get_by_role("link", name="編集").click()
    card.get_by_label("タイトル").press("Escape")
    expect(card.locator("form[data-inline-edit]")).to_have_count(0)
    assert asked == []


def test_leaving_the_page_with_a_changed_remark_editor_asks(login, meeting, member, live_server):
    topic = factories.topic(meeting=meeting, presenter=member, title="発言つき")
    remark = factories.remark_create(author=member, topic=topic, body="最初の発言")
    page = login(member)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    box = page.locator(f"#remark-{remark.pk}")
    box.get_by_role("link", name="編集").click()
    box.locator("textarea").fill("書きかけの発言")

    kinds = []
    page.once("dialog", lambda dialog: (kinds.append(dialog.type), dialog.dismiss()))
    page.evaluate("() => { window.__stay = true; }")
    page.get_by_role("link", name="勉強会一覧").click()
    page.wait_for_timeout(300)
    assert kinds == ["beforeunload"]
    assert page.evaluate("window.__stay === true")  # still on the board, text in place
    expect(box.locator("textarea")).to_have_value("書きかけの発言")


def test_topic_draft_is_restored_after_a_reload_and_cleared_on_save(login, meeting, member):
    topic = factories.topic(meeting=meeting, presenter=member, title="下書き", notes="保存済み")
    page = login(member)
    card = page.locator(f"#{topic.anchor}")
    card.get_by_role("link", name="編集").click()
    card.get_by_label("メモ").fill("落ちる前に書いた文")

    page.once("dialog", lambda dialog: dialog.accept())  # the reload asks first, too
    page.reload()
    card.get_by_role("link", name="編集").click()
    expect(card.locator(".draft-notice")).to_contain_text("下書きを復元しました")
    expect(card.get_by_label("メモ")).to_have_value("落ちる前に書いた文")

    card.get_by_role("button", name="保存").click()
    expect(card.locator(".notes")).to_contain_text("落ちる前に書いた文")
    assert Topic.objects.get(pk=topic.pk).notes == "落ちる前に書いた文"
    assert page.evaluate(f"localStorage.getItem('draft:topic:{topic.pk}')") is None

    page.reload()
    card.get_by_role("link", name="編集").click()
    expect(card.get_by_label("メモ")).to_have_value("落ちる前に書いた文")
    expect(card.locator(".draft-notice")).to_have_count(0)


def test_main_topic_draft_survives_a_reload_and_can_be_discarded(login, meeting, member):
    deep_dive = factories.deep_dive(meeting=meeting, presenter=member, body="## 1. 元の本文")
    page = login(member)
    section = page.locator("#deep-dive")
    section.get_by_role("link", name="編集").click()
    section.locator("textarea").first.fill("## 1. 書き直し途中")

    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    section.get_by_role("link", name="編集").click()
    expect(section.locator(".draft-notice")).to_be_visible()
    expect(section.locator("textarea").first).to_have_value("## 1. 書き直し途中")

    section.get_by_role("button", name="下書きを破棄").click()
    expect(section.locator("textarea").first).to_have_value("## 1. 元の本文")
    expect(section.locator(".draft-notice")).to_have_count(0)
    assert page.evaluate(f"localStorage.getItem('draft:deep-dive:{deep_dive.pk}')") is None
    assert DeepDive.objects.get(pk=deep_dive.pk).body == "## 1. 元の本文"
