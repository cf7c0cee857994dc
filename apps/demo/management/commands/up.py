"""`manage.py up`: the whole board with one command.

Migrates, adds demo data on the first run, then runs the web server, a Celery worker and
Celery beat side by side until Ctrl-C, and stops them all. A worker or beat that dies is
started again (with a log line, and growing waits if it keeps dying at once): the site stays
up. Only the web server's own death stops everything.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.accounts.models import User
from apps.demo.management.commands.seed_demo import print_demo_logins
from apps.demo.seed import MEMBERS

STOP_GRACE_SECONDS = 10
# A process that lived shorter than this counts as crashing at once: wait longer each time.
QUICK_DEATH_SECONDS = 30
MAX_RESTART_WAIT_SECONDS = 60
RESTARTED = ("worker", "beat")


class Command(BaseCommand):
    help = "Migrate, seed demo data on first run, and run web server + worker + beat."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-demo", action="store_true", help="Never create demo data.")

    def handle(self, *args, host: str, port: str, no_demo: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database is up to date.")
        if not no_demo and not User.objects.exists():
            call_command("seed_demo", if_empty=True, stdout=StringIO())
            self.stdout.write("First run: demo members and meetings created.")
        processes = self._start(host, port)
        self.stdout.write(self.style.SUCCESS(f"\nThe board runs at http://{host}:{port}/"))
        if User.objects.filter(handle__in=[m.handle for m in MEMBERS]).exists():
            print_demo_logins(self.stdout)
        self.stdout.write("Press Ctrl-C to stop the web server, the worker and beat.\n")
        code = self._wait(processes)
        sys.exit(code)

    def _commands(self, host: str, port: str) -> dict[str, list[str]]:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        return {
            "web": [sys.executable, manage, "runserver", f"{host}:{port}", "--noreload"],
            # Threads keep the embedded worker light; link fetches wait on the network, not the CPU.
            "worker": [*celery, "worker", "-l", "info", "--pool", "threads", "--concurrency", "4"],
            "beat": [*celery, "beat", "-l", "info", "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        # Its own session, so a Ctrl-C reaches only us and we stop the processes in order.
        proc = subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)  # noqa: S603 - our own fixed commands
        self.stdout.write(f"{name} started (pid {proc.pid})")
        return proc

    def _start(self, host: str, port: str) -> dict[str, subprocess.Popen]:
        self.commands = self._commands(host, port)
        self.started_at = {name: time.monotonic() for name in self.commands}
        self.quick_deaths = dict.fromkeys(self.commands, 0)
        self.restart_at: dict[str, float] = {}
        return {name: self._spawn(name, command) for name, command in self.commands.items()}

    def _restart_dead(self, processes: dict[str, subprocess.Popen]) -> None:
        """Start a dead worker or beat again; one that keeps dying waits 1, 3, 7 … 60 s."""
        now = time.monotonic()
        for name in RESTARTED:
            proc = processes[name]
            if name in self.restart_at:
                if now >= self.restart_at[name]:
                    del self.restart_at[name]
                    processes[name] = self._spawn(name, self.commands[name])
                    self.started_at[name] = time.monotonic()
                continue
            if proc.poll() is None:
                continue
            lived = now - self.started_at[name]
            quick = lived < QUICK_DEATH_SECONDS
            self.quick_deaths[name] = self.quick_deaths[name] + 1 if quick else 0
            wait = min(MAX_RESTART_WAIT_SECONDS, 2 ** self.quick_deaths[name] - 1)
            self.stderr.write(
                f"{name} stopped unexpectedly (exit code {proc.returncode}); restarting it"
                + (f" in {wait} s" if wait else "")
                + "."
            )
            self.restart_at[name] = now + wait

    def _wait(self, processes: dict[str, subprocess.Popen]) -> int:
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        code = 0
        while not stopping:
            if processes["web"].poll() is not None:
                self.stderr.write("web stopped unexpectedly; stopping the rest.")
                code = 1
                break
            self._restart_dead(processes)
            time.sleep(0.5)
        self.stdout.write("\nStopping…")
        for proc in processes.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.stdout.write("Stopped.")
        return code
