"""Celery adapters for the group: Slack reminders (the work is in reminders.py) and the
meetings kept created ahead on the group's weekday."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.meetings import services as meeting_services

from . import reminders
from .selectors import group_settings


@shared_task(bind=True, max_retries=reminders.MAX_ATTEMPTS - 1, soft_time_limit=60, time_limit=90)
def send_reminder(self, reminder_id: int) -> str:
    delivery = reminders.deliver(reminder_id=reminder_id)
    if delivery.outcome == "retry":
        # The row counts the attempts and says when the next is due; the sweep re-queues it
        # if this retry message is lost.
        raise self.retry(countdown=delivery.retry_in, max_retries=reminders.MAX_ATTEMPTS)
    return delivery.outcome


def send_later(reminder_id: int) -> None:
    """What reminders.py queues a reminder with (connected in GroupConfig.ready)."""
    send_reminder.delay(reminder_id)


@shared_task(soft_time_limit=60, time_limit=90)
def check_reminders() -> int:
    """Beat, every few minutes: calls for topics that are due, and lost reminders."""
    return len(reminders.check_reminders())


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def schedule_upcoming_meetings() -> list[str]:
    """Beat: keep the next few weekly meetings created ahead, as the group's settings say."""
    group = group_settings()
    created = meeting_services.schedule_upcoming_meetings(
        today=group.today(),  # the group's "today", which may differ from the server's
        weekday=group.meeting_weekday,
        count=settings.MEETINGS_AHEAD,
        title=group.name,
        guidance=group.guidance_template,
        length_minutes=group.length_minutes,
        nearby_days=3,  # a moved meeting, or one left on the old weekday, is not doubled
    )
    return [m.date.isoformat() for m in created]
