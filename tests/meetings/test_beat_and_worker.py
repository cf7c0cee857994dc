"""A real Celery beat and worker, on real Redis, keep the upcoming meetings created."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from apps.meetings.models import Meeting
from tests.celery_processes import celery_processes

DEADLINE_SECONDS = 60


@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_create_the_upcoming_meetings(redis_url, tmp_path):
    with celery_processes(redis_url=redis_url, folder=tmp_path, env={"MEETINGS_AHEAD": "3"}) as run:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while Meeting.objects.count() < 3 and time.monotonic() < deadline:
            time.sleep(0.25)
        logs = run.logs()

    meetings = list(Meeting.objects.order_by("date"))
    assert len(meetings) == 3, logs
    assert all(m.date.weekday() == settings.MEETING_WEEKDAY for m in meetings)
    assert "schedule_upcoming_meetings" in logs
