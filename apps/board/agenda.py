"""The agenda as organizers plan it: order, time budget and what is left to do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from apps.deepdives.models import DeepDive
from apps.deepdives.selectors import Suggestion, suggested_presenters
from apps.group.selectors import group_settings
from apps.meetings.models import Meeting, PresenterBlock
from apps.meetings.services import next_meeting_dates
from apps.papers.queue_selectors import topic_vote_counts
from apps.topics.models import Topic


def default_minutes() -> dict[str, int]:
    """Minutes per topic kind, as the group's settings say."""
    group = group_settings()
    return {"paper": group.minutes_paper, "blog": group.minutes_blog, "oss": group.minutes_oss}


@dataclass
class AgendaItem:
    topic: Topic
    minutes: int
    uses_default: bool
    votes: int = 0  # 聞きたい


@dataclass
class AgendaBlock:
    block: PresenterBlock
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def votes(self) -> int:
        return sum(item.votes for item in self.items)


@dataclass
class Agenda:
    meeting: Meeting
    blocks: list[AgendaBlock]
    main_minutes: int
    planned_minutes: int  # everything except 時間あれば topics
    optional_minutes: int  # the 時間あれば topics

    @property
    def over_by(self) -> int:
        return max(0, self.planned_minutes - self.meeting.length_minutes)

    @property
    def fill_percent(self) -> int:
        return min(100, round(100 * self.planned_minutes / max(1, self.meeting.length_minutes)))


def agenda_for(meeting: Meeting) -> Agenda:
    """Blocks in order with each topic's minutes, and the totals against the meeting's length."""
    defaults = default_minutes()
    topics = Topic.objects.live().select_related("link").order_by("position", "pk")
    blocks = list(
        meeting.blocks.select_related("presenter")
        .prefetch_related(Prefetch("topics", queryset=topics))
        .order_by("position", "pk")
    )
    votes = topic_vote_counts(t.pk for block in blocks for t in block.topics.all())
    deep_dive = getattr(meeting, "deep_dive", None) if _has_deep_dive(meeting) else None
    main_minutes = deep_dive.minutes if deep_dive else 0
    planned = main_minutes
    optional = 0
    agenda_blocks = []
    for block in blocks:
        entry = AgendaBlock(block=block)
        for topic in block.topics.all():
            minutes = topic.minutes if topic.minutes is not None else defaults.get(topic.kind, 5)
            entry.items.append(
                AgendaItem(
                    topic=topic,
                    minutes=minutes,
                    uses_default=topic.minutes is None,
                    votes=votes.get(topic.pk, 0),
                )
            )
            if topic.if_time_allows:
                optional += minutes
            else:
                planned += minutes
        agenda_blocks.append(entry)
    return Agenda(meeting, agenda_blocks, main_minutes, planned, optional)


def _has_deep_dive(meeting: Meeting) -> bool:
    try:
        return meeting.deep_dive is not None
    except DeepDive.DoesNotExist:
        return False


def running_order(meeting: Meeting) -> list:
    """The topics in the order they are presented, the main topic last: meeting-day mode."""
    return list(
        Topic.objects.live()
        .filter(block__meeting=meeting)
        .select_related("block__presenter", "link")
        .order_by("block__position", "block__pk", "position", "pk")
    )


def agenda_order(meeting: Meeting) -> dict:
    """Just the order, as ids: what a page needs to follow a reorder (two queries)."""
    blocks = list(meeting.blocks.order_by("position", "pk").values_list("pk", flat=True))
    topics: dict[str, list[int]] = {str(pk): [] for pk in blocks}
    rows = (
        Topic.objects.live()
        .filter(block__meeting=meeting)
        .order_by("position", "pk")
        .values_list("block_id", "pk")
    )
    for block_id, topic_id in rows:
        topics[str(block_id)].append(topic_id)
    return {"blocks": blocks, "topics": topics}


def order_by_interest(agenda: Agenda) -> tuple[list[int], dict[int, list[int]]]:
    """A suggested order: presenters whose topics most members want to hear first, and each
    presenter's topics likewise; ties keep today's order. Organizers can still move rows."""
    blocks = sorted(agenda.blocks, key=lambda entry: -entry.votes)  # sorted() is stable
    topics = {
        entry.block.pk: [item.topic.pk for item in sorted(entry.items, key=lambda i: -i.votes)]
        for entry in blocks
    }
    return [entry.block.pk for entry in blocks], topics


def rotation_suggestions(*, today: dt.date, count: int = 3) -> list[Suggestion]:
    """Who could present the next main topics: the next meetings that have none yet (and,
    where they are not created yet, the group's next weekly dates)."""
    open_dates = list(
        Meeting.objects.filter(date__gte=today, deep_dive__isnull=True)
        .exclude(status__in=[Meeting.Status.SKIPPED, Meeting.Status.HELD])
        .order_by("date")
        .values_list("date", flat=True)[:count]
    )
    if len(open_dates) < count:
        taken = set(Meeting.objects.filter(date__gte=today).values_list("date", flat=True))
        weekly = next_meeting_dates(
            today=today, weekday=group_settings().meeting_weekday, count=count * 3
        )
        open_dates += [d for d in weekly if d not in taken and d > max(open_dates, default=today)]
    return suggested_presenters(dates=sorted(open_dates)[:count], today=today)
