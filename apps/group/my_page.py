"""Reads for マイページ, a member's own page: their topics and main topics, ahead and past."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from apps.deepdives.models import DeepDive
from apps.meetings.models import Meeting
from apps.meetings.services import next_meeting_after, next_meeting_dates
from apps.papers.queue_selectors import claims_for_voter
from apps.topics.materials import topics_missing_slides
from apps.topics.models import Topic
from apps.topics.services import carry_over_candidates

from .selectors import group_settings


@dataclass
class MyPage:
    upcoming_topics: list
    past_topics: list
    upcoming_main_topics: list
    past_main_topics: list
    wanted_claims: list  # what the member wanted to hear and someone will present
    carry_over: list  # [(held meeting, the member's topics it did not reach, next meeting)]
    availability: list  # [(date, meeting or None, away?)] for the next weeks
    missing_slides: list  # the member's recent topics without slides (a nudge)


def my_page(*, member, today: dt.date, past_limit: int = 50) -> MyPage:
    topics = (
        Topic.objects.live()
        .filter(block__presenter=member)
        .select_related("block__meeting", "link")
    )
    deep_dives = DeepDive.objects.filter(presenter=member).select_related("meeting")
    return MyPage(
        upcoming_topics=list(
            topics.filter(block__meeting__date__gte=today).order_by(
                "block__meeting__date", "position"
            )
        ),
        past_topics=list(
            topics.filter(block__meeting__date__lt=today).order_by(
                "-block__meeting__date", "position"
            )[:past_limit]
        ),
        upcoming_main_topics=list(
            deep_dives.filter(meeting__date__gte=today).order_by("meeting__date")
        ),
        past_main_topics=list(
            deep_dives.filter(meeting__date__lt=today).order_by("-meeting__date")
        ),
        wanted_claims=claims_for_voter(member=member, on=today),
        carry_over=_carry_over_offers(member, today),
        availability=availability(member=member, today=today),
        missing_slides=topics_missing_slides(member=member, today=today),
    )


CARRY_OVER_WEEKS = 8


def _carry_over_offers(member, today: dt.date) -> list:
    """Held meetings of the last weeks where some of the member's topics were not reached."""
    held = Meeting.objects.filter(
        status=Meeting.Status.HELD,
        date__gte=today - dt.timedelta(weeks=CARRY_OVER_WEEKS),
        blocks__presenter=member,
    ).order_by("-date")
    offers = []
    for meeting in held:
        mine = [t for t in carry_over_candidates(meeting) if t.block.presenter_id == member.pk]
        target = next_meeting_after(meeting) if mine else None
        if mine and target is not None:
            offers.append((meeting, mine, target))
    return offers


AVAILABILITY_WEEKS = 8


def availability_dates(*, today: dt.date) -> dict[dt.date, Meeting | None]:
    """The dates a member can say they are away: the coming meetings and weekly dates."""
    meetings = {
        m.date: m
        for m in Meeting.objects.filter(date__gte=today)
        .select_related("deep_dive")
        .exclude(status=Meeting.Status.SKIPPED)
        .order_by("date")[:AVAILABILITY_WEEKS]
    }
    weekly = next_meeting_dates(
        today=today, weekday=group_settings().meeting_weekday, count=AVAILABILITY_WEEKS
    )
    dates: dict[dt.date, Meeting | None] = dict.fromkeys(weekly)
    dates.update(meetings)
    return dict(sorted(dates.items())[:AVAILABILITY_WEEKS])


def availability(*, member, today: dt.date) -> list:
    dates = availability_dates(today=today)
    away = set(member.absences.filter(date__in=list(dates)).values_list("date", flat=True))
    return [(date, meeting, date in away) for date, meeting in dates.items()]
