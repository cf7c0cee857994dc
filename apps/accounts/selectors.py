"""Reads for members and their logins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from .models import User


@dataclass(frozen=True)
class Lockout:
    """A login name or a client address that is refused until `until`."""

    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    until: dt.datetime


def members_for_organizers() -> QuerySet[User]:
    return User.objects.order_by("-is_active", "display_name")


def login_lockouts() -> list[Lockout]:
    """Names and addresses over the failure limit within the cool-off time, counted the way
    django-axes counts them (failures summed per name and per address)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    lockouts: list[Lockout] = []
    for kind in ("username", "ip_address"):
        rows = (
            recent.values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by(kind)
        )
        for row in rows:
            until = row["last"] + settings.AXES_COOLOFF_TIME
            lockouts.append(Lockout(kind, row[kind] or "", int(row["failures"]), until))
    return lockouts


def locked_login_names() -> set[str]:
    return {lock.value for lock in login_lockouts() if lock.kind == "username"}
