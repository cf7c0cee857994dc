"""Real Celery worker and beat processes on Redis, against the test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    _start: Callable[[str], subprocess.Popen] | None = None

    def logs(self) -> str:
        return "".join(p.read_text() for p in sorted(self.folder.glob("*.log")))

    def kill_worker(self) -> None:
        """kill -9, as the OOM killer or a lost machine would: no shutdown, no acks."""
        worker = self.procs["worker"]
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=15)

    def restart_worker(self) -> None:
        assert self._start is not None
        self.procs["worker"] = self._start("worker")


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
    logs: list = []
    run = CeleryRun(queue=queue, folder=folder)

    def start(name: str) -> subprocess.Popen:
        log = open(folder / f"{name}-{len(logs)}.log", "w")  # noqa: SIM115 - closed below
        logs.append(log)
        return subprocess.Popen(
            commands[name], cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )

    run._start = start
    try:
        for name in commands:
            run.procs[name] = start(name)
        yield run
    finally:
        procs = list(run.procs.values())
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
