"""Reads for the reading queue: its page, vote counts on cards, news for voters."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from apps.meetings.models import Meeting

from .models import Paper, QueueEntry, Tag, Vote

if TYPE_CHECKING:
    from apps.accounts.models import User


@dataclass
class VoteState:
    """What a 聞きたい button shows: how many, whether the viewer is one, and who."""

    count: int = 0
    mine: bool = False
    voters: list[Any] = field(default_factory=list)  # members, oldest vote first


def queue_entries(*, tag: str = "") -> QuerySet[QueueEntry]:
    """The open queue, most wanted first, then the longest waiting."""
    entries = (
        QueueEntry.objects.open()
        .ranked()
        .select_related(
            "paper",
            "proposed_by",
            "topic__block__meeting",
            "topic__block__presenter",
            "topic__link",
        )
        .prefetch_related("paper__tags")
    )
    if tag:
        entries = entries.filter(paper__tags__slug=tag)
    return entries


def claimed_entries(*, on: dt.date, limit: int = 30) -> list[QueueEntry]:
    """Claimed entries whose meeting is still ahead: who presents what, and when."""
    return list(
        QueueEntry.objects.filter(
            status=QueueEntry.Status.CLAIMED,
            claimed_topic__deleted_at__isnull=True,
            claimed_topic__block__meeting__date__gte=on,
        )
        # topic__link: a もう一度詳しく entry is labelled by its past topic.
        .select_related("paper", "claimed_by", "claimed_topic__block__meeting", "topic__link")
        .order_by("claimed_topic__block__meeting__date", "claimed_at")[:limit]
    )


def _states(votes: Iterable[Vote], key: str, viewer: Any) -> dict[int, VoteState]:
    states: dict[int, VoteState] = defaultdict(VoteState)
    for vote in votes:
        state = states[getattr(vote, key)]
        state.count += 1
        state.voters.append(vote.member)
        if viewer is not None and vote.member_id == viewer.pk:
            state.mine = True
    return states


VOTERS_SHOWN = 8


def entry_vote_states(entries: Iterable[QueueEntry], *, viewer: Any) -> dict[int, VoteState]:
    """Vote states of a page of entries: the count each entry keeps, the first voters (by a
    window, not every vote of a popular paper), and whether the viewer voted. Two queries."""
    entries = [entry for entry in entries if entry is not None]
    ids = [entry.pk for entry in entries]
    first = (
        Vote.objects.filter(entry_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("entry_id"), order_by=[F("created_at"), F("pk")]
            )
        )
        .filter(rank__lte=VOTERS_SHOWN)
        .select_related("member")
        .order_by("entry_id", "rank")
    )
    states = {entry.pk: VoteState(count=entry.vote_count) for entry in entries}
    for vote in first:
        if vote.entry_id in states:
            states[vote.entry_id].voters.append(vote.member)
    if viewer is not None:
        mine = Vote.objects.filter(entry_id__in=ids, member=viewer).values_list(
            "entry_id", flat=True
        )
        for entry_id in mine:
            states[entry_id].mine = True
    return states


def paper_vote(paper: Paper, *, viewer: Any) -> tuple[QueueEntry | None, VoteState]:
    """The paper's open queue entry (if it is queued) and its votes, for the paper page."""
    entry = (
        QueueEntry.objects.open()
        .filter(kind=QueueEntry.Kind.PAPER, paper=paper)
        .select_related("proposed_by")
        .first()
    )
    if entry is None:
        return None, VoteState()
    return entry, entry_vote_states([entry], viewer=viewer).get(entry.pk, VoteState())


def topic_vote_states(*, meeting: Meeting, viewer: Any) -> dict[int, VoteState]:
    """Vote states of one board's topics, in one query: 聞きたい on a proposed topic, and
    もう一度詳しく on a past one (the votes of its open queue entry)."""
    again = Q(
        entry__status=QueueEntry.Status.OPEN,
        entry__kind=QueueEntry.Kind.AGAIN,
        entry__topic__block__meeting=meeting,
    )
    votes = (
        Vote.objects.filter(Q(topic__block__meeting=meeting) | again)
        .select_related("member", "entry")
        .order_by("created_at", "pk")
    )
    return _states(_by_topic(votes), "topic_id", viewer)


def _by_topic(votes: Iterable[Vote]) -> Iterable[Vote]:
    for vote in votes:
        if vote.entry is not None:
            vote.topic_id = vote.entry.topic_id
        yield vote


def topic_vote_counts(topic_ids: Iterable[int]) -> dict[int, int]:
    """How many want to hear each topic: the agenda's order-by-interest suggestion."""
    rows = (
        Vote.objects.filter(topic_id__in=list(topic_ids))
        .values("topic_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["topic_id"]: row["n"] for row in rows}


def open_vote_count_subquery() -> Coalesce:
    """Votes on a paper's open queue entry, for annotating library rows without a join."""
    votes = (
        Vote.objects.filter(
            entry__paper=OuterRef("pk"),
            entry__status=QueueEntry.Status.OPEN,
            entry__kind=QueueEntry.Kind.PAPER,
        )
        .order_by()
        .values("entry__paper")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(votes, output_field=IntegerField()), 0)


def top_open_entries(*, limit: int = 3) -> list[QueueEntry]:
    """The most wanted unclaimed entries with at least one vote: for the call for topics."""
    return list(
        QueueEntry.objects.open()
        .ranked()
        .filter(vote_count__gt=0)
        .select_related("paper", "topic__block__meeting", "topic__link")[:limit]
    )


def claimed_for_meeting(meeting: Meeting) -> list[QueueEntry]:
    """Wanted papers that members claimed onto this meeting."""
    return list(
        QueueEntry.objects.filter(
            status=QueueEntry.Status.CLAIMED,
            claimed_topic__block__meeting=meeting,
            claimed_topic__deleted_at__isnull=True,
        )
        .select_related("paper", "claimed_by", "topic__link")
        .order_by("claimed_at")
    )


def claims_for_voter(*, member: User, on: dt.date) -> list[QueueEntry]:
    """マイページ: what the member wanted to hear and someone is now going to present."""
    return list(
        QueueEntry.objects.filter(
            status=QueueEntry.Status.CLAIMED,
            votes__member=member,
            claimed_topic__deleted_at__isnull=True,
            claimed_topic__block__meeting__date__gte=on,
        )
        .exclude(claimed_by=member)
        .select_related("paper", "claimed_by", "claimed_topic__block__meeting", "topic__link")
        .order_by("claimed_topic__block__meeting__date")
    )


def claims_of_paper(paper: Paper, *, on: dt.date) -> list[QueueEntry]:
    """Who claimed this paper for a meeting still ahead (the paper page says so)."""
    return list(
        QueueEntry.objects.filter(
            paper=paper,
            status=QueueEntry.Status.CLAIMED,
            claimed_topic__deleted_at__isnull=True,
            claimed_topic__block__meeting__date__gte=on,
        ).select_related("claimed_by", "claimed_topic__block__meeting")
    )


def queue_tags(*, limit: int = 50) -> QuerySet[Tag]:
    """The tags of the papers waiting in the queue: what the queue page filters by."""
    return Tag.objects.filter(papers__queue_entries__status=QueueEntry.Status.OPEN).distinct()[
        :limit
    ]
