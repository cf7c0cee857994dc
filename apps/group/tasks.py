"""Celery adapters for the Slack reminders: ids in, the work is in reminders.py."""

from __future__ import annotations

from celery import shared_task

from . import reminders


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
