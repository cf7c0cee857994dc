"""Reads for マイページ, a member's own page: their topics and main topics, ahead and past."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from apps.deepdives.models import DeepDive
from apps.papers.queue_selectors import claims_for_voter
from apps.topics.models import Topic


@dataclass
class MyPage:
    upcoming_topics: list
    past_topics: list
    upcoming_main_topics: list
    past_main_topics: list
    wanted_claims: list  # what the member wanted to hear and someone will present


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
    )
