"""Reads for papers: earlier presentations (既出), where the group met a paper or page before."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from apps.deepdives.models import DeepDive
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.topics.models import Topic


@dataclass(frozen=True)
class Presentation:
    date: dt.date
    presenter: str
    title: str
    url: str  # the board, at the topic or the deep dive


def earlier_presentations(*, link_ids: set[int], before: dt.date) -> dict[int, list[Presentation]]:
    """For each link, the topics and deep dives that cited it in meetings before `before`."""
    found: dict[int, list[Presentation]] = defaultdict(list)
    if not link_ids:
        return found
    topics = (
        Topic.objects.live()
        .filter(link_id__in=link_ids, block__meeting__date__lt=before)
        .select_related("block__meeting", "block__presenter")
    )
    for topic in topics:
        assert topic.link_id is not None  # filtered on link_id above
        meeting = topic.block.meeting
        found[topic.link_id].append(
            Presentation(
                meeting.date,
                topic.block.presenter.display_name,
                topic.display_title,
                f"{meeting.get_absolute_url()}#{topic.anchor}",
            )
        )
    deep_dives = DeepDive.objects.filter(
        link_id__in=link_ids, meeting__date__lt=before
    ).select_related("meeting", "presenter")
    for deep_dive in deep_dives:
        assert deep_dive.link_id is not None  # filtered on link_id above
        found[deep_dive.link_id].append(
            Presentation(
                deep_dive.meeting.date,
                deep_dive.presenter.display_name,
                deep_dive.title,
                f"{deep_dive.meeting.get_absolute_url()}#deep-dive",
            )
        )
    for presentations in found.values():
        presentations.sort(key=lambda p: p.date, reverse=True)
    return found


def attach_earlier_presentations(topics: Iterable[Topic], *, before: dt.date) -> None:
    """Give each topic its `earlier_presentations` for its card, one query per kind of source."""
    topics = list(topics)
    earlier = earlier_presentations(
        link_ids={t.link_id for t in topics if t.link_id}, before=before
    )
    for topic in topics:
        # A card-only attribute that the topic card template reads.
        topic.earlier_presentations = (  # type: ignore[attr-defined]
            earlier.get(topic.link_id, []) if topic.link_id else []
        )


def earlier_presentations_of_url(url: str, *, before: dt.date) -> list[Presentation]:
    """For the add form: has the group seen this paper or page before?"""
    try:
        target = canonicalize(url)
    except ValueError:
        return []
    link = Link.objects.filter(canonical_url=target.canonical_url).first()
    if link is None:
        return []
    return earlier_presentations(link_ids={link.pk}, before=before).get(link.pk, [])
