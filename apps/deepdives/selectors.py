"""Reads for the main-topic rotation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Q

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
