"""A real Celery beat and worker, on real Redis, keep the upcoming meetings created."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from apps.meetings.models import Meeting

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 60


def database_url_of_the_test_database() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_processes(redis_url, transactional_db, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_the_test_database(),
        "REDIS_URL": redis_url,
        # A queue of our own, so that a developer's running worker cannot take our task.
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex}",
        "DATA_DIR": str(tmp_path),
        "MEETINGS_AHEAD": "3",
    }
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("worker", "beat")}  # noqa: SIM115
    procs = [
        subprocess.Popen([*celery, "worker", "-l", "info", "--pool", "solo"], cwd=ROOT, env=env,
                         stdout=logs["worker"], stderr=subprocess.STDOUT),
        subprocess.Popen([*celery, "beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")],
                         cwd=ROOT, env=env, stdout=logs["beat"], stderr=subprocess.STDOUT),
    ]
    yield tmp_path
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for log in logs.values():
        log.close()
    connection.close()


def test_beat_and_worker_create_the_upcoming_meetings(celery_processes):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while Meeting.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.25)

    logs = "".join(p.read_text() for p in celery_processes.glob("*.log"))
    meetings = list(Meeting.objects.order_by("date"))
    assert len(meetings) == 3, logs
    assert all(m.date.weekday() == settings.MEETING_WEEKDAY for m in meetings)
    assert "schedule_upcoming_meetings" in logs
