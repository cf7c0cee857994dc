from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from apps.meetings.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting():
    meeting = factories.meeting(date=dt.date(2025, 4, 4))
    presenter = factories.MemberFactory(display_name="Naoto")
    for title in ("最初の話題", "二番目の話題"):
        factories.topic(meeting=meeting, presenter=presenter, title=title)
    factories.deep_dive(meeting=meeting, title="メインの論文")
    return meeting


def step(client, meeting, action, **extra):
    return client.post(
        reverse("meetings:present-step", args=[meeting.date]), {"step": action, **extra}, **HTMX
    )


def test_organizer_runs_the_meeting_topic_by_topic_then_the_main_topic(organizer_client, meeting):
    html = step(organizer_client, meeting, "next").content.decode()
    assert "最初の話題" in html[html.index('class="slide"') :]
    assert Meeting.objects.get(pk=meeting.pk).current_started_at is not None

    step(organizer_client, meeting, "next")
    html = step(organizer_client, meeting, "next").content.decode()
    assert "メインの論文" in html[html.index('class="slide"') :]

    html = step(organizer_client, meeting, "prev").content.decode()
    assert "二番目の話題" in html[html.index('class="slide"') :]

    step(organizer_client, meeting, "stop")
    assert Meeting.objects.get(pk=meeting.pk).current_started_at is None


def test_the_board_highlights_the_current_topic_for_everyone(organizer_client, meeting):
    step(organizer_client, meeting, "next")
    member_client = Client()
    member_client.force_login(factories.MemberFactory())
    current = Meeting.objects.get(pk=meeting.pk).current_topic

    html = member_client.get(meeting.get_absolute_url()).content.decode()

    card = html[html.index(f'id="{current.anchor}"') - 200 :]
    assert "topic kind-blog current" in card[: card.index(f'id="{current.anchor}"')]


def test_timer_carries_the_topic_budget(organizer_client, meeting):
    topic = meeting.blocks.first().topics.first()
    topic.minutes = 12
    topic.save()

    html = step(organizer_client, meeting, "goto", topic=topic.pk).content.decode()

    assert 'data-minutes="12"' in html


def test_members_can_watch_but_not_drive(member_client, meeting):
    page = member_client.get(reverse("meetings:present", args=[meeting.date]))

    assert page.status_code == 200
    assert 'data-step="next"' not in page.content.decode()
    assert step(member_client, meeting, "next").status_code == 403
