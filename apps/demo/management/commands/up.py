"""`manage.py up`: the whole board with one command.

Migrates, adds demo data on the first run, then runs the web server, a Celery worker and
Celery beat side by side until Ctrl-C (or until one of them dies), and stops them all.
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

    def _start(self, host: str, port: str) -> dict[str, subprocess.Popen]:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        commands = {
            "web": [sys.executable, manage, "runserver", f"{host}:{port}", "--noreload"],
            # Threads keep the embedded worker light; link fetches wait on the network, not the CPU.
            "worker": [*celery, "worker", "-l", "info", "--pool", "threads", "--concurrency", "4"],
            "beat": [*celery, "beat", "-l", "info", "-s", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }
        # Their own sessions, so a Ctrl-C reaches only us and we stop them in order.
        return {
            name: subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)  # noqa: S603 - our own fixed commands
            for name, command in commands.items()
        }

    def _wait(self, processes: dict[str, subprocess.Popen]) -> int:
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        code = 0
        while not stopping:
            dead = [name for name, proc in processes.items() if proc.poll() is not None]
            if dead:
                self.stderr.write(f"{', '.join(dead)} stopped unexpectedly; stopping the rest.")
                code = 1
                break
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
