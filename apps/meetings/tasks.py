from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.group.selectors import group_settings

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def schedule_upcoming_meetings() -> list[str]:
    """Beat: keep the next few weekly meetings created ahead, as the group's settings say."""
    group = group_settings()
    created = services.schedule_upcoming_meetings(
        today=group.today(),  # the group's "today", which may differ from the server's
        weekday=group.meeting_weekday,
        count=settings.MEETINGS_AHEAD,
        title=group.name,
        guidance=group.guidance_template,
        length_minutes=group.length_minutes,
        nearby_days=3,  # a moved meeting, or one left on the old weekday, is not doubled
    )
    return [m.date.isoformat() for m in created]
