"""The conflict panel explains: when theirs was saved, a word diff of the notes, the links."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.topics.models import Topic
from apps.topics.services import topic_update
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_conflict_panel_shows_a_word_diff_and_the_extra_links(login):
    meeting = factories.meeting(date=dt.date.today() + dt.timedelta(days=2), title="次回")
    member = factories.MemberFactory(handle="fr", display_name="Fumika")
    topic = factories.topic(
        meeting=meeting, presenter=member, title="共同編集", notes="GraphRAG is fast"
    )
    page = login(member)
    card = page.locator(f"#{topic.anchor}")
    card.get_by_role("link", name="編集").click()
    expect(card.get_by_label("メモ")).to_be_visible()

    # Meanwhile someone else saves, with an extra link.
    current = Topic.objects.get(pk=topic.pk)
    topic_update(
        topic=current,
        expected_version=current.version,
        kind=current.kind,
        title=current.title,
        url=current.url,
        notes="GraphRAG is slow",
        extra_links=[("code", "https://github.com/example/graphrag")],
    )

    card.get_by_label("メモ").fill("GraphRAG is very fast")
    card.get_by_role("button", name="保存").click()

    panel = card.locator(".conflict")
    expect(panel).to_contain_text("他の人が先に保存しました")
    expect(panel.locator(".conflict-when")).to_contain_text("に保存された内容です")
    expect(panel.locator("del").first).to_have_text("slow")
    expect(panel.locator("ins").first).to_have_text("very fast")
    expect(panel).to_contain_text("code https://github.com/example/graphrag")
    expect(panel).not_to_contain_text("TopicLink.None")
    expect(card.get_by_label("メモ")).to_have_value("GraphRAG is very fast")
