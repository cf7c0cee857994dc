"""Reads for the main-topic rotation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Q

from apps.meetings.models import Absence

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.accounts.models import User


def rotation_queue(*, today: dt.date) -> QuerySet[User]:
    """Members, longest without a main topic first: their count and last date of past ones."""
    past = Q(deep_dives__meeting__date__lt=today)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(
            main_topics=Count("deep_dives", filter=past),
            last_main_topic=Max("deep_dives__meeting__date", filter=past),
        )
        .order_by(F("last_main_topic").asc(nulls_first=True), "main_topics", "display_name")
    )


@dataclass(frozen=True)
class Suggestion:
    date: dt.date
    member: Any  # None when every active member is away that day
    turns: int  # main topics so far, past and assigned
    last: dt.date | None


def suggested_presenters(*, dates: list[dt.date], today: dt.date) -> list[Suggestion]:
    """Who should present the main topic on each date: the member with the fewest turns
    (assigned ones count), longest ago first, who has not said they are away that day and
    is not suggested for another of these dates."""
    members = list(
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(
            turns=Count("deep_dives"),
            last=Max("deep_dives__meeting__date", filter=Q(deep_dives__meeting__date__lt=today)),
        )
        .order_by("display_name", "pk")
    )
    away: dict[dt.date, set[int]] = {}
    for date, member_id in Absence.objects.filter(date__in=dates).values_list("date", "member"):
        away.setdefault(date, set()).add(member_id)
    turns = {m.pk: m.turns for m in members}
    last = {m.pk: m.last for m in members}
    suggestions = []
    for date in dates:
        free = [m for m in members if m.pk not in away.get(date, set())]
        free.sort(key=lambda m: (turns[m.pk], last[m.pk] or dt.date.min))
        pick = free[0] if free else None
        suggestions.append(
            Suggestion(
                date=date,
                member=pick,
                turns=turns[pick.pk] if pick else 0,
                last=last[pick.pk] if pick else None,
            )
        )
        if pick is not None:  # the suggestion counts as a turn for the dates after it
            turns[pick.pk] += 1
            last[pick.pk] = date
    return suggestions


def absent_member_ids(*, date: dt.date) -> set[int]:
    return set(Absence.objects.filter(date=date).values_list("member_id", flat=True))
