"""A pasted URL shows 取得中… and becomes a card in place, without a reload."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.links import services
from apps.links.metadata import Metadata
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_waiting_card_becomes_the_fetched_card_in_place(login):
    meeting = factories.meeting(date=dt.date.today() + dt.timedelta(days=2))
    member = factories.MemberFactory(handle="fr")
    topic = factories.topic(
        meeting=meeting,
        presenter=member,
        url="https://github.com/bloomberg/memray",
        title="",
        kind="auto",
    )
    page = login(member)
    page.evaluate("window.__noReload = true")
    card = page.locator(f"#{topic.anchor}")
    expect(card.locator(".link-card")).to_contain_text("取得中…")

    # What a worker does when the fetch completes.
    metadata = Metadata(
        title="bloomberg/memray",
        description="Memray is a memory profiler for Python",
        site_name="GitHub",
        suggested_kind="oss",
        extra={"stars": 14000, "forks": 420, "language": "Python"},
    )
    services.link_store_metadata(link=topic.link, metadata=metadata, thumbnail_webp=None)

    expect(card.locator(".link-card.ok")).to_contain_text(
        "Memray is a memory profiler", timeout=10_000
    )
    expect(card.locator(".link-facts")).to_contain_text("14000")
    expect(card.locator(".topic-title")).to_contain_text(
        "bloomberg/memray"
    )  # the empty title was filled
    assert page.evaluate("window.__noReload === true")


def test_failed_card_offers_a_retry(login):
    meeting = factories.meeting(date=dt.date.today() + dt.timedelta(days=2))
    member = factories.MemberFactory(handle="fr")
    topic = factories.topic(
        meeting=meeting, presenter=member, url="https://example.com/slow", title="遅いページ"
    )
    services.link_mark_failed(
        link=topic.link, reason="timeout", message="相手のサーバーが時間内に応答しませんでした。"
    )
    page = login(member)
    card = page.locator(f"#{topic.anchor}")

    expect(card.locator(".link-card.failed")).to_contain_text("時間内に応答しませんでした")
    card.get_by_role("button", name="再取得").click()

    expect(card.locator(".link-card")).to_contain_text("取得中…")
    topic.link.refresh_from_db()
    assert topic.link.status == "pending"
