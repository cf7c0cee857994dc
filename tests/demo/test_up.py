"""`manage.py up` keeps the site up when its worker dies: it starts the worker again."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CELERY = [sys.executable, "-m", "celery", "-A", "config"]
STARTUP_SECONDS = 180  # migrations on a fresh SQLite file, on a busy machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Output:
    """The lines `up` and its processes print, read in a thread."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, *, after: int = 0, timeout: float = 60) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if found := re.search(pattern, line):
                    return found
            time.sleep(0.2)
        tail = "\n".join(self.lines[-40:])
        raise AssertionError(f"no line matching {pattern!r} in {timeout} s; last lines:\n{tail}")


def _healthz(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
        return response.status


def test_up_restarts_a_killed_worker_and_the_site_stays_up(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {"DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    up = subprocess.Popen(
        [sys.executable, "manage.py", "up", "--no-demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(up.stdout)
    try:
        worker = int(output.wait_for(r"^worker started \(pid (\d+)\)", timeout=STARTUP_SECONDS)[1])
        output.wait_for(r"The board runs at", timeout=30)
        output.wait_for(r"celery@\S+ ready", timeout=90)
        seen = len(output.lines)

        os.kill(worker, signal.SIGKILL)

        output.wait_for(r"worker stopped unexpectedly \(exit code -9\); restarting it", after=seen)
        again = int(output.wait_for(r"^worker started \(pid (\d+)\)", after=seen)[1])
        assert again != worker
        output.wait_for(r"celery@\S+ ready", after=seen, timeout=90)
        assert up.poll() is None  # `up` itself still runs
        assert _healthz(port) == 200  # and so does the web server
        # The new worker takes work from the filesystem broker.
        call = subprocess.run(
            [*CELERY, "call", "apps.links.tasks.sweep_links"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        task_id = call.stdout.strip()
        assert call.returncode == 0, call.stderr
        assert task_id
        output.wait_for(rf"sweep_links\[{task_id}\] succeeded", after=seen)
    finally:
        up.send_signal(signal.SIGINT)
        try:
            up.wait(timeout=30)
        except subprocess.TimeoutExpired:
            up.kill()
            up.wait()
    assert any("Stopped." in line for line in output.lines)
