from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import selectors, services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def schedule_upcoming_meetings() -> list[str]:
    """Beat: keep the next few weekly meetings created ahead."""
    created = services.schedule_upcoming_meetings(
        today=selectors.today(),
        weekday=settings.MEETING_WEEKDAY,
        count=settings.MEETINGS_AHEAD,
    )
    return [m.date.isoformat() for m in created]
