"""Members post and edit topics on the board itself, in a real browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from apps.topics.models import Remark, Topic
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    return factories.meeting(date=dt.date.today() + dt.timedelta(days=2), title="次回")


@pytest.fixture
def member():
    return factories.MemberFactory(handle="fr", display_name="Fumika")


def mark_page(page):
    """A flag that only survives if the page is never reloaded."""
    page.evaluate("window.__noReload = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.__noReload === true")


def test_add_a_topic_inline_with_the_kind_inferred_from_the_url(login, meeting, member):
    page = login(member)
    mark_page(page)

    page.locator("#add-topic summary").click()
    form = page.locator("#add-topic-form")
    form.get_by_label("出典URL").fill("https://arxiv.org/abs/1706.03762")
    form.get_by_label("タイトル").fill("Attention Is All You Need")
    form.get_by_label("メモ").fill("- Self-Attention\n  - 位置エンコーディング")
    form.get_by_role("button", name="追加").click()

    card = page.locator("#presenter-fr .topic").first
    expect(card.locator(".kind-badge")).to_have_text("[論文]")
    expect(card).to_contain_text("Attention Is All You Need")
    expect(card.locator(".notes li li")).to_have_text("位置エンコーディング")
    expect(form.get_by_label("タイトル")).to_have_value("")
    expect(page.locator("#agenda")).to_contain_text("Attention Is All You Need")
    assert_not_reloaded(page)


def test_edit_with_preview_save_by_keyboard_and_focus_returns(login, meeting, member):
    topic = factories.topic(meeting=meeting, presenter=member, title="古いタイトル", notes="古い")
    page = login(member)
    mark_page(page)
    card = page.locator(f"#{topic.anchor}")

    card.get_by_role("link", name="編集").click()
    title = card.get_by_label("タイトル")
    expect(title).to_be_focused()
    title.fill("新しいタイトル")
    notes = card.get_by_label("メモ")
    notes.fill("**太字** と `code`")
    card.get_by_role("tab", name="プレビュー").click()
    expect(card.locator(".md-preview strong")).to_have_text("太字")
    card.get_by_role("tab", name="編集").click()
    notes.press("Control+Enter")

    expect(card.locator(".topic-title")).to_contain_text("新しいタイトル")
    expect(card).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("保存しました。")
    assert Topic.objects.get(pk=topic.pk).title == "新しいタイトル"
    assert_not_reloaded(page)


def test_escape_cancels_and_restores_the_card(login, meeting, member):
    topic = factories.topic(meeting=meeting, presenter=member, title="そのまま")
    page = login(member)
    card = page.locator(f"#{topic.anchor}")

    card.get_by_role("link", name="編集").click()
    card.get_by_label("タイトル").fill("保存しない")
    page.once("dialog", lambda dialog: dialog.accept())  # discarding typed text asks first
    card.get_by_label("タイトル").press("Escape")

    expect(card.locator(".topic-title")).to_contain_text("そのまま")
    expect(card.locator("form[data-inline-edit]")).to_have_count(0)  # the editor is gone
    expect(card.locator(".remark-form form")).to_have_count(1)
    assert Topic.objects.get(pk=topic.pk).title == "そのまま"


def test_validation_error_appears_inside_the_form(login, meeting, member):
    topic = factories.topic(meeting=meeting, presenter=member, title="タイトル")
    page = login(member)
    card = page.locator(f"#{topic.anchor}")

    card.get_by_role("link", name="編集").click()
    card.get_by_label("出典URL").fill("これはURLではない")
    card.get_by_role("button", name="保存").click()

    expect(card.locator(".field-errors")).to_contain_text("URLの形式が正しくありません")
    expect(card.get_by_label("出典URL")).to_have_value("これはURLではない")


def test_delete_then_undo(login, meeting, member):
    topic = factories.topic(meeting=meeting, presenter=member, title="消して戻す")
    page = login(member)
    page.on("dialog", lambda dialog: dialog.accept())
    card = page.locator(f"#{topic.anchor}")

    card.get_by_role("link", name="削除").click()
    expect(card).to_contain_text("削除しました")
    assert Topic.objects.live().count() == 0

    card.get_by_role("button", name="元に戻す").click()

    expect(card.locator(".topic-title")).to_contain_text("消して戻す")
    assert Topic.objects.live().count() == 1


def test_remark_by_enter_then_edit_and_delete_it(login, meeting, member):
    topic = factories.topic(meeting=meeting, title="話題")
    page = login(member)
    page.on("dialog", lambda dialog: dialog.accept())
    card = page.locator(f"#{topic.anchor}")

    card.get_by_text("コメントする").click()
    card.locator("textarea[name=body]").fill("めちゃ速い")
    card.locator("textarea[name=body]").press("Enter")
    remark = card.locator(".remark").first
    expect(remark).to_contain_text("[fr] めちゃ速い")
    expect(card.locator("textarea[name=body]")).to_have_value("")

    remark.get_by_role("link", name="編集").click()
    remark.locator("textarea").fill("めちゃくちゃ速い")
    remark.get_by_role("button", name="保存").click()
    expect(remark).to_contain_text("めちゃくちゃ速い")

    remark.get_by_role("link", name="削除").click()
    expect(card.locator(".remark")).to_have_count(0)
    assert not Remark.objects.exists()


def test_enter_while_the_ime_is_composing_never_submits(login, meeting, member):
    topic = factories.topic(meeting=meeting, title="話題")
    page = login(member)
    card = page.locator(f"#{topic.anchor}")
    card.get_by_text("コメントする").click()
    box = card.locator("textarea[name=body]")
    box.fill("すいせん")

    # The Enter that confirms a conversion arrives with isComposing set (keyCode 229).
    prevented = box.evaluate(
        """el => !el.dispatchEvent(new KeyboardEvent('keydown',
               {key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true}))"""
    )
    assert prevented is False  # the IME keeps its Enter; we just do not submit
    expect(box).to_have_value("すいせん")

    box.fill("推薦")
    box.press("Enter")
    expect(card.locator(".remark")).to_have_count(1)
    expect(card.locator(".remark")).to_contain_text("推薦")
    assert list(Remark.objects.values_list("body", flat=True)) == ["推薦"]


def test_conflict_between_two_browsers_keeps_both_texts(browser, live_server, meeting, member):
    topic = factories.topic(meeting=meeting, presenter=member, title="共同編集", notes="最初")
    pages = []
    for _ in range(2):
        context = browser.new_context(locale="ja-JP")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "fr")
        page.fill("input[name=password]", "benkyokai-pass")
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        page.locator(f"#{topic.anchor}").get_by_role("link", name="編集").click()
        pages.append(page)
    first, second = pages

    second.locator(f"#{topic.anchor}").get_by_label("メモ").fill("二人目の保存")
    second.locator(f"#{topic.anchor}").get_by_role("button", name="保存").click()
    expect(second.locator(f"#{topic.anchor} .notes")).to_contain_text("二人目の保存")

    card = first.locator(f"#{topic.anchor}")
    card.get_by_label("メモ").fill("一人目の保存")
    card.get_by_role("button", name="保存").click()

    expect(card.locator(".conflict")).to_contain_text("他の人が先に保存しました")
    expect(card.locator(".conflict")).to_contain_text("二人目の保存")
    expect(card.get_by_label("メモ")).to_have_value("一人目の保存")
    assert Topic.objects.get(pk=topic.pk).notes == "二人目の保存"

    card.get_by_role("button", name="保存").click()
    expect(card.locator(".notes")).to_contain_text("一人目の保存")
    for page in pages:
        page.context.close()


def test_everything_works_without_javascript(browser, live_server, meeting, member):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "fr")
    page.fill("input[name=password]", "benkyokai-pass")
    page.click("button.primary")

    page.locator("#add-topic summary").click()
    page.locator("#add-topic-form").get_by_label("タイトル").fill("JSなしで追加")
    page.locator("#add-topic-form").get_by_role("button", name="追加").click()
    topic = Topic.objects.get()
    card = page.locator(f"#{topic.anchor}")
    expect(card).to_contain_text("JSなしで追加")

    card.get_by_role("link", name="編集").click()
    page.get_by_label("タイトル").fill("JSなしで編集")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(f"#{topic.anchor}")).to_contain_text("JSなしで編集")

    page.locator(f"#{topic.anchor}").get_by_role("link", name="削除").click()
    page.get_by_role("button", name="削除する").click()
    expect(page.locator(".undo-banner")).to_contain_text("JSなしで編集")
    page.locator(".undo-banner").get_by_role("button", name="元に戻す").click()
    expect(page.locator(f"#{topic.anchor}")).to_contain_text("JSなしで編集")
    assert Topic.objects.live().count() == 1
    context.close()


def test_topics_and_remarks_from_others_appear_without_disturbing_a_draft(login, meeting, member):
    mine = factories.topic(meeting=meeting, presenter=member, title="自分の話題")
    page = login(member)
    mark_page(page)
    card = page.locator(f"#{mine.anchor}")
    card.get_by_text("コメントする").click()
    card.locator("textarea[name=body]").fill("書きかけのコメント")

    other = factories.MemberFactory(handle="pon", display_name="Pon")
    theirs = factories.topic(meeting=meeting, presenter=other, title="他の人の新しい話題")
    factories.remark(topic=mine, author=other, body="他の人のコメント")

    expect(page.locator(f"#{theirs.anchor}")).to_be_visible(timeout=10_000)
    expect(page.locator("#agenda")).to_contain_text("他の人の新しい話題")
    expect(card.locator("textarea[name=body]")).to_have_value("書きかけのコメント")
    expect(page.locator("#announcer")).to_have_text(re.compile("新しいトピック"))
    assert_not_reloaded(page)
