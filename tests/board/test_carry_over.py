"""Carry-over: a held meeting offers its unreached topics to their presenters, one step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import Meeting
from apps.meetings.services import meeting_set_status
from apps.topics.models import Topic
from apps.topics.services import carry_over_candidates, topic_mark_reached
from tests import factories

pytestmark = pytest.mark.django_db

# Last week: マイページ offers carry-overs of recent meetings only.
HELD_ON = timezone.localdate() - dt.timedelta(weeks=1)


def _held_meeting_with(presenter, *, run: bool):
    meeting = factories.meeting(date=HELD_ON)
    reached = factories.topic(meeting=meeting, presenter=presenter, title="話せた")
    missed = factories.topic(meeting=meeting, presenter=presenter, title="届かなかった")
    spare = factories.topic(meeting=meeting, presenter=presenter, title="時間あれば枠")
    Topic.objects.filter(pk=spare.pk).update(if_time_allows=True)
    factories.remark(topic=missed, body="次回ぜひ")
    if run:
        topic_mark_reached(topic_id=reached.pk)
    for status in (Meeting.Status.LOCKED, Meeting.Status.HELD):
        meeting_set_status(meeting=meeting, status=status)
    return meeting.__class__.objects.get(pk=meeting.pk), reached, missed, spare


def test_a_run_meeting_offers_what_it_did_not_reach_and_what_was_marked_if_time_allows(member):
    meeting, _reached, missed, spare = _held_meeting_with(member, run=True)
    assert {t.pk for t in carry_over_candidates(meeting)} == {missed.pk, spare.pk}


def test_a_meeting_not_run_in_meeting_day_mode_offers_only_if_time_allows(member):
    meeting, _reached, _missed, spare = _held_meeting_with(member, run=False)
    assert [t.pk for t in carry_over_candidates(meeting)] == [spare.pk]


def test_nothing_is_offered_before_the_meeting_is_held(member):
    meeting = factories.meeting(date=HELD_ON)
    topic = factories.topic(meeting=meeting, presenter=member)
    Topic.objects.filter(pk=topic.pk).update(if_time_allows=True)
    assert carry_over_candidates(meeting) == []


def test_the_presenter_moves_their_topics_from_my_page_with_remarks(member_client, member):
    meeting, reached, missed, spare = _held_meeting_with(member, run=True)
    upcoming = factories.meeting(date=HELD_ON + dt.timedelta(weeks=1))
    page = member_client.get(reverse("me")).content.decode()
    assert f"{HELD_ON:%Y-%m-%d} に発表しきれなかったトピック" in page
    assert "届かなかった" in page
    assert "話せた" not in page.split("発表しきれなかった", 1)[1].split("</section>", 1)[0]

    response = member_client.post(
        reverse("meetings:carry-over", args=[meeting.date]), {"topic": [missed.pk, spare.pk]}
    )
    assert response.status_code == 302
    missed.refresh_from_db()
    assert missed.block.meeting == upcoming
    assert missed.remarks.get().body == "次回ぜひ"
    assert Topic.objects.get(pk=reached.pk).block.meeting == meeting
    # Done: the offer is gone.
    assert "発表しきれなかった" not in member_client.get(reverse("me")).content.decode()


def test_only_checked_topics_move(member_client, member):
    meeting, _reached, missed, spare = _held_meeting_with(member, run=True)
    factories.meeting(date=HELD_ON + dt.timedelta(weeks=1))
    member_client.post(reverse("meetings:carry-over", args=[meeting.date]), {"topic": [spare.pk]})
    assert Topic.objects.get(pk=missed.pk).block.meeting == meeting
    assert Topic.objects.get(pk=spare.pk).block.meeting != meeting


def test_a_member_cannot_move_someone_elses_topics(member_client):
    other = factories.MemberFactory()
    meeting, _reached, missed, _spare = _held_meeting_with(other, run=True)
    factories.meeting(date=HELD_ON + dt.timedelta(weeks=1))
    response = member_client.post(reverse("meetings:carry-over", args=[meeting.date]))
    assert response.status_code == 403
    assert Topic.objects.get(pk=missed.pk).block.meeting == meeting


def test_an_organizer_moves_all_of_them_from_the_agenda(organizer_client):
    presenter = factories.MemberFactory()
    meeting, _reached, missed, spare = _held_meeting_with(presenter, run=True)
    upcoming = factories.meeting(date=HELD_ON + dt.timedelta(weeks=1))
    agenda = organizer_client.get(reverse("meetings:agenda", args=[meeting.date])).content.decode()
    assert "持ち越し候補" in agenda
    organizer_client.post(reverse("meetings:carry-over", args=[meeting.date]))
    for topic in (missed, spare):
        assert Topic.objects.get(pk=topic.pk).block.meeting == upcoming


def test_without_a_next_meeting_nothing_moves_and_the_page_says_why(member_client, member):
    meeting, _reached, missed, _spare = _held_meeting_with(member, run=True)
    response = member_client.post(reverse("meetings:carry-over", args=[meeting.date]), follow=True)
    assert "次の勉強会がまだありません" in response.content.decode()
    assert Topic.objects.get(pk=missed.pk).block.meeting == meeting


def test_meeting_day_mode_marks_the_topics_it_reaches(organizer_client):
    meeting = factories.meeting(date=HELD_ON)
    first = factories.topic(meeting=meeting)
    second = factories.topic(meeting=meeting)
    organizer_client.post(reverse("meetings:present-step", args=[meeting.date]), {"action": "next"})
    assert Topic.objects.get(pk=first.pk).presented_at is not None
    assert Topic.objects.get(pk=second.pk).presented_at is None
