"""A failed fetch is not a title: untitled sources get a readable stand-in everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.core.http.safe_http import FetchError
from apps.links import fetching, services
from apps.links.models import Link
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

URL = (
    "https://no-such-host.example/research/2025/03/"
    "a-very-long-article-slug-about-retrieval-augmented-generation?utm_source=feed&id=1234567890"
)


@pytest.fixture
def meeting():
    return factories.meeting(date=dt.date.today() + dt.timedelta(days=2), title="次回")


@pytest.fixture
def member():
    return factories.MemberFactory(handle="fr", display_name="Fumika")


def failed(topic, reason, **error):
    link = Link.objects.get(pk=topic.link_id)
    message = fetching.member_message(FetchError(reason, **error))
    services.link_mark_failed(link=link, reason=reason, message=message)


@pytest.mark.parametrize("width", [1280, 390])
def test_unreachable_source_shows_a_placeholder_and_says_the_server_could_not_connect(
    login, live_server, meeting, member, width
):
    topic = factories.topic(meeting=meeting, presenter=member, title="", url=URL)
    failed(topic, "dns_failure")
    page = login(member)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")

    card = page.locator(f"#{topic.anchor}")
    title = card.locator(".topic-title a")
    expect(title).to_contain_text("no-such-host.example/")
    expect(title).not_to_contain_text("utm_source")
    expect(card.locator(".link-failure")).to_contain_text(
        "このサーバーから外部に接続できませんでした"
    )
    expect(card.locator(".link-failure")).to_contain_text("タイトルを入力")

    sidebar = page.locator("#agenda")
    if width == 1280:
        entry = sidebar.locator(".agenda-topics a").first
        expect(entry).not_to_contain_text("https://")
        # Nothing sticks out of the sidebar.
        assert sidebar.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    card.get_by_role("link", name="編集").click()
    expect(card.locator(".title-hint")).to_contain_text("タイトルを入力してください")


def test_a_missing_page_says_the_url_was_not_found_and_present_mode_uses_the_placeholder(
    login, live_server, meeting, member
):
    topic = factories.topic(meeting=meeting, presenter=member, title="", url=URL)
    failed(topic, "http_error", status=404)
    page = login(member)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    failure = page.locator(f"#{topic.anchor} .link-failure")
    expect(failure).to_contain_text("URLが見つかりません")
    expect(failure).not_to_contain_text("外部に接続")

    page.goto(f"{live_server.url}{meeting.get_absolute_url()}present/")
    order = page.locator(".running-order")
    expect(order).to_contain_text("no-such-host.example/")
    expect(order).not_to_contain_text("https://")
    expect(order).not_to_contain_text("utm_source")
