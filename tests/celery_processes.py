"""Real Celery worker and beat processes on Redis, against the test database."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url_of_the_test_database() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class CeleryRun:
    queue: str
    folder: Path

    def logs(self) -> str:
        return "".join(p.read_text() for p in sorted(self.folder.glob("*.log")))


@contextlib.contextmanager
def celery_processes(
    *, redis_url: str, folder: Path, env: dict[str, str] | None = None
) -> Iterator[CeleryRun]:
    """Start a worker and beat on a queue of their own; stop them when the block ends."""
    queue = f"test-{uuid.uuid4().hex}"  # so that a developer's running worker cannot take our tasks
    full_env = {
        **os.environ,
        "DATABASE_URL": database_url_of_the_test_database(),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "DATA_DIR": str(folder),
        # Files the worker writes (thumbnails) must land where this process reads them.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **(env or {}),
    }
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    commands = {
        "worker": [*celery, "worker", "-l", "info", "--pool", "threads", "--concurrency", "4"],
        "beat": [*celery, "beat", "-l", "info", "-s", str(folder / "beat-schedule")],
    }
    logs, procs = [], []
    try:
        for name, command in commands.items():
            log = open(folder / f"{name}.log", "w")  # noqa: SIM115 - closed below
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
                )
            )
        yield CeleryRun(queue=queue, folder=folder)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in logs:
            log.close()
        connection.close()
