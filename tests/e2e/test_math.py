"""Math in notes and main topics renders as MathML, from vendored KaTeX, also in the preview."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.archive.exporter import meeting_markdown
from apps.board.selectors import meeting_board
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    return factories.meeting(date=dt.date.today() + dt.timedelta(days=2), title="次回")


@pytest.fixture
def member():
    return factories.MemberFactory(handle="fr", display_name="Fumika")


def test_notes_and_main_topic_math_render_and_the_source_is_kept(login, meeting, member):
    requests = []
    topic = factories.topic(
        meeting=meeting, presenter=member, title="式", notes="損失は $L = x^2$ です。"
    )
    factories.deep_dive(meeting=meeting, presenter=member, body="## 1. 式\n\n$$\n\\sum_i a_i\n$$\n")
    page = login(member)
    page.on("request", lambda r: requests.append(r.url))
    page.reload()

    inline = page.locator(f"#{topic.anchor} .notes .math math")
    expect(inline).to_have_count(1)
    expect(inline.locator("annotation")).to_have_text("L = x^2")
    block = page.locator("#deep-dive .math math[display=block]")
    expect(block).to_have_count(1)
    assert all(url.startswith(page.url.split("/meetings")[0].rstrip("/")) for url in requests)

    markdown = meeting_markdown(meeting=meeting_board(date=meeting.date))
    assert "$L = x^2$" in markdown
    assert "\\sum_i a_i" in markdown


def test_preview_renders_math_too(login, meeting, member):
    topic = factories.topic(meeting=meeting, presenter=member, title="プレビュー")
    page = login(member)
    card = page.locator(f"#{topic.anchor}")
    card.get_by_role("link", name="編集").click()
    card.get_by_label("メモ").fill("$a+b$")
    card.get_by_role("tab", name="プレビュー").click()
    expect(card.locator(".md-preview .math math")).to_have_count(1)
