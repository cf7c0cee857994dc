"""Fault runs against a local production-mode stack on loopback; prints the issue's table.

The stack: a throwaway PostgreSQL database, a Redis server of its own (started here on a free
loopback port, so stopping it disturbs nobody), gunicorn with 4 workers × 4 threads, a Celery
worker (prefork) and beat, all with production settings (SECRET_KEY set, DEBUG off), and fake
sites on 127.0.0.1 (blog pages, an arXiv API with PDFs, a Slack webhook). Members talk to
gunicorn over HTTP with real sessions and CSRF tokens. Scenarios:

    redis      Redis stopped: 20 saves and board views, then Redis back
    worker     the worker killed with SIGKILL while it fetches, then restarted
    first      15 simultaneous first topics by one presenter
    slack      a webhook that posts the message and answers after 12 s
    db         every database connection killed every 4 s while members write
    arxiv      papers pasted under 3 workers: the gaps between arXiv API requests

    uv run python bench/faults.py                       # all, PostgreSQL on 127.0.0.1:5432
    uv run python bench/faults.py --only slack,arxiv    # some
    uv run python bench/faults.py --kill-seconds 30     # a shorter connection-kill run

Missing a goal is reported, not an error: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from _setup import BASE_DIR, DEFAULT_POSTGRES_URL, throwaway_database
from links import arxiv_feed, blog_page, paper_pdf

SCENARIOS = ("redis", "worker", "first", "slack", "db", "arxiv")
READY_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def poll(condition: Callable[[], bool], seconds: float, step: float = 0.25) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --------------------------------------------------------------------------------------------
# Fake sites: blog pages (some hang), an arXiv API with PDFs, a Slack webhook.
# --------------------------------------------------------------------------------------------


class Fakes:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.arxiv_starts: list[float] = []
        self.pdf_starts: list[float] = []
        self.slack_posts: list[str] = []
        self.slack_delay = 0.0
        self.hang = threading.Event()  # while clear, /slow/… pages hang
        self.hang.set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.get(self)

            def do_POST(self) -> None:
                fake.post(self)

            def log_message(self, format: str, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    @contextlib.contextmanager
    def running(self) -> Iterator[Fakes]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.hang.set()
            self.server.shutdown()
            self.server.server_close()

    @staticmethod
    def answer(handler, status: int, content_type: str, body: bytes) -> None:
        with contextlib.suppress(OSError):  # the client died meanwhile (a killed worker)
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

    def get(self, handler) -> None:
        parts = urlsplit(handler.path)
        with self.lock:
            self.hits[parts.path] += 1
            first = self.hits[parts.path] == 1
        if parts.path == "/api/query":
            with self.lock:
                self.arxiv_starts.append(time.monotonic())
            query = parse_qs(parts.query)
            ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
            body = arxiv_feed(ids, start=0, max_results=len(ids) or 1, base=self.base)
            self.answer(handler, 200, "application/atom+xml; charset=utf-8", body)
        elif parts.path.startswith("/pdf/"):
            with self.lock:
                self.pdf_starts.append(time.monotonic())
            arxiv_id = parts.path.rsplit("/", 1)[1].rsplit("v", 1)[0]
            self.answer(handler, 200, "application/pdf", paper_pdf(arxiv_id))
        elif parts.path.startswith(("/posts/", "/slow/")):
            if parts.path.startswith("/slow/") and first:
                self.hang.wait(120)  # the worker dies while this fetch waits
            number = int(parts.path.rsplit("/", 1)[1])
            self.answer(handler, 200, "text/html; charset=utf-8", blog_page(number))
        else:
            self.answer(handler, 404, "text/plain", b"not found")

    def post(self, handler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        with self.lock:
            self.slack_posts.append(json.loads(body).get("text", ""))
        time.sleep(self.slack_delay)  # posted at once, answered late
        self.answer(handler, 200, "text/html", b"ok")


# --------------------------------------------------------------------------------------------
# The stack: Redis, gunicorn, worker(s), beat.
# --------------------------------------------------------------------------------------------


@dataclass
class Stack:
    folder: Path
    database_url: str
    fakes: Fakes
    redis_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: list = field(default_factory=list)

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": "faults-bench-" + "x" * 40,
            "DEBUG": "False",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            "SESSION_COOKIE_SECURE": "False",
            "CSRF_COOKIE_SECURE": "False",
            "SECURE_HSTS_SECONDS": "0",
            "DATA_DIR": str(self.folder),
            "STATIC_ROOT": str(self.folder / "static"),
            "MEDIA_ROOT": str(self.folder / "media"),
            "LINK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
            "LINK_FETCH_ALLOWED_PORTS": str(self.fakes.port),
            "ARXIV_API_URL": f"{self.fakes.base}/api/query",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "LOG_LEVEL": "WARNING",
        }

    def start(self, name: str, command: list[str]) -> None:
        log = open(self.folder / f"{name}-{len(self.logs)}.log", "w")  # noqa: SIM115
        self.logs.append(log)
        self.procs[name] = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes its children too
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def start_redis(self) -> None:
        self.start(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
        )  # fmt: skip
        poll(lambda: _connects(self.redis_port), 10)

    def start_web(self) -> None:
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=BASE_DIR, env=self.env(), check=True,
        )  # fmt: skip
        self.start(
            "web",
            [python, "-m", "gunicorn", "config.wsgi", "-w", "4", "--threads", "4",
             "-b", f"127.0.0.1:{self.web_port}", "--timeout", "60"],
        )  # fmt: skip
        if not poll(lambda: _connects(self.web_port), READY_SECONDS):
            sys.exit("gunicorn did not start")

    def start_worker(self, name: str = "worker", concurrency: int = 4) -> None:
        self.start(
            name,
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning",
             "-c", str(concurrency), "-n", f"{name}@%h"],
        )  # fmt: skip

    def start_beat(self) -> None:
        self.start(
            "beat",
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "warning",
             "-s", str(self.folder / "beat-schedule")],
        )  # fmt: skip

    def shutdown(self) -> None:
        for name in list(self.procs):
            self.stop(name)
        for log in self.logs:
            log.close()


def _connects(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


# --------------------------------------------------------------------------------------------
# Members over HTTP: a real session and CSRF token each.
# --------------------------------------------------------------------------------------------


class Member:
    def __init__(self, user, port: int) -> None:
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        self.user, self.port = user, port
        self.csrf = secrets.token_hex(16)  # a CSRF secret: 32 alphanumerics
        self.cookie = f"sessionid={session.session_key}; csrftoken={self.csrf}"

    def request(self, method: str, path: str, data: dict | None = None, htmx: bool = False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie, "X-CSRFToken": self.csrf}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except OSError as exc:
            return 0, str(exc)
        finally:
            conn.close()

    def add_topic(self, date, *, title: str, url: str = "", kind: str = "blog"):
        return self.request(
            "POST",
            f"/meetings/{date}/topics/new/",
            {"kind": kind, "title": title, "url": url, "notes": f"- {title}のメモ"},
            htmx=True,
        )


def fresh_db() -> None:
    from django.db import connections

    connections.close_all()


def members(count: int, port: int, prefix: str) -> list[Member]:
    from apps.accounts.models import User

    users = [
        User.objects.create_user(
            username=f"{prefix}{n}", handle=f"{prefix}{n}", display_name=f"{prefix} {n}"
        )
        for n in range(count)
    ]
    return [Member(user, port) for user in users]


_meeting_weeks = iter(range(1, 1000))


def new_meeting():
    import datetime as dt

    from apps.meetings.services import meeting_create

    return meeting_create(date=dt.date(2030, 1, 4) + dt.timedelta(weeks=next(_meeting_weeks)))


def link_states(urls: list[str]) -> Counter[str]:
    from apps.links.canonical import canonicalize
    from apps.links.models import Link

    fresh_db()
    keys = [canonicalize(u).canonical_url for u in urls]
    return Counter(Link.objects.filter(canonical_url__in=keys).values_list("status", flat=True))


def all_final(urls: list[str]) -> bool:
    states = link_states(urls)
    return sum(states.values()) == len(urls) and not (states["pending"] or states["fetching"])


# --------------------------------------------------------------------------------------------
# Scenarios. Each returns (what was measured, whether the goal was met).
# --------------------------------------------------------------------------------------------


def scenario_redis(stack: Stack, fakes: Fakes) -> tuple[str, bool]:
    meeting = new_meeting()
    (member,) = members(1, stack.web_port, "redis")
    stack.stop("redis")
    urls = [f"{fakes.base}/posts/{1000 + n}" for n in range(20)]
    errors = 0
    for n, url in enumerate(urls):
        status, _ = member.add_topic(meeting.date, title=f"Redis停止中の保存 {n}", url=url)
        errors += status not in (200, 302)
        status, _ = member.request("GET", f"/meetings/{meeting.date}/")
        errors += status != 200
        status, _ = member.request("GET", "/")
        errors += status != 200
    stack.start_redis()
    back = time.monotonic()
    done = poll(lambda: all_final(urls), 120, step=1)
    took = time.monotonic() - back
    fetched = [fakes.hits[urlsplit(u).path] for u in urls]
    once = sum(1 for n in fetched if n == 1)
    ok = errors == 0 and done and once == 20 and took <= 60
    return (
        f"{errors} errors in 60 requests; {once}/20 links fetched once, all final "
        f"{took:.0f} s after Redis returned" + ("" if done else " (NOT all final)"),
        ok,
    )


def scenario_worker(stack: Stack, fakes: Fakes) -> tuple[str, bool]:
    meeting = new_meeting()
    (member,) = members(1, stack.web_port, "worker")
    fakes.hang.clear()
    urls = [f"{fakes.base}/slow/{2000 + n}" for n in range(4)]
    for n, url in enumerate(urls):
        member.add_topic(meeting.date, title=f"取得中に落ちる {n}", url=url)
    poll(lambda: link_states(urls)["fetching"] == len(urls), 60)
    stack.stop("worker", signal.SIGKILL)
    fakes.hang.set()
    stack.start_worker()
    restarted = time.monotonic()
    done = poll(lambda: all_final(urls), 180, step=1)
    took = time.monotonic() - restarted
    most = max(fakes.hits[urlsplit(u).path] for u in urls)
    ok = done and took <= 90 and most <= 2
    return (
        f"all {len(urls)} links final {took:.0f} s after the restart"
        + ("" if done else " (NOT all final)")
        + f"; each URL fetched at most {most}×",
        ok,
    )


def scenario_first(stack: Stack, fakes: Fakes) -> tuple[str, bool]:
    from apps.topics.models import Topic

    meeting = new_meeting()
    (member,) = members(1, stack.web_port, "first")
    start = threading.Barrier(15)
    statuses: list[int] = []

    def post(n: int) -> None:
        start.wait()
        statuses.append(member.add_topic(meeting.date, title=f"同時の最初のトピック {n}")[0])

    threads = [threading.Thread(target=post, args=(n,)) for n in range(15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fresh_db()
    saved = Topic.objects.filter(block__meeting=meeting).count()
    errors = sum(1 for s in statuses if s not in (200, 302))
    return f"{saved} saved, {errors} errors", saved == 15 and errors == 0


def scenario_slack(stack: Stack, fakes: Fakes, *, delay: float) -> tuple[str, bool]:
    import datetime as dt

    from apps.group.models import GroupSettings, Reminder
    from apps.group.selectors import group_settings
    from apps.meetings.services import meeting_create
    from config.celery import app

    fakes.slack_delay = delay
    group_settings()
    GroupSettings.objects.update(
        slack_webhook_url=f"{fakes.base}/services/T000/B000/XXXX",
        remind_call_for_topics=True,
        deadline_days_before=1,
        deadline_time=dt.time(12, 0),
        reminder_hours_before_deadline=168,
    )
    meeting = meeting_create(date=group_settings().today() + dt.timedelta(days=3))
    app.conf.broker_url = stack.redis_url
    app.conf.broker_transport_options = {}
    app.send_task("apps.group.tasks.check_reminders")
    poll(lambda: fakes.slack_posts, 30)
    # Past the first retry's wait (30 s) and a further sweep: a retried timeout would post again.
    time.sleep(delay + 35)
    app.send_task("apps.group.tasks.check_reminders")
    time.sleep(5)
    fresh_db()
    reminder = Reminder.objects.filter(meeting=meeting).first()
    # Beat may have made other meetings due too: count the posts about this one.
    posts = sum(1 for text in fakes.slack_posts if f"/meetings/{meeting.date}/" in text)
    state = reminder.get_status_display() if reminder else "none"
    return (
        f"{posts} post(s) of the reminder received, {max(0, posts - 1)} duplicate(s); "
        f"it shows {state} on 会の設定",
        posts == 1,
    )


def scenario_db(stack: Stack, fakes: Fakes, *, seconds: float) -> tuple[str, bool]:
    import psycopg

    from apps.search.models import PendingIndex, SearchEntry
    from apps.topics.models import Topic
    from config.celery import app

    meeting = new_meeting()
    writers = members(4, stack.web_port, "db")
    name = urlsplit(stack.database_url).path.lstrip("/")
    admin = stack.database_url.rsplit("/", 1)[0] + "/postgres"
    stop = threading.Event()
    kills = 0
    results: list[tuple[str, int, str]] = []  # (token, status, page)
    lock = threading.Lock()

    def killer() -> None:
        nonlocal kills
        with psycopg.connect(admin, autocommit=True) as conn:
            while not stop.wait(4):
                rows = conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                ).fetchall()
                kills += len(rows)

    def write(member: Member, n: int) -> None:
        i = 0
        while not stop.is_set():
            token = f"k{n}x{i}z{uuid.uuid4().hex[:6]}"
            status, page = member.add_topic(meeting.date, title=f"接続断 {token}")
            with lock:
                results.append((token, status, page))
            i += 1

    threads = [threading.Thread(target=killer)] + [
        threading.Thread(target=write, args=(m, n)) for n, m in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    fresh_db()
    time.sleep(2)
    app.conf.broker_url = stack.redis_url
    app.conf.broker_transport_options = {}
    owed = PendingIndex.objects.count()
    time.sleep(11)  # the sweep's grace: rows younger than 10 s are their writer's
    app.send_task("apps.search.tasks.sweep_pending_index")  # what beat runs every minute
    poll(lambda: not PendingIndex.objects.exists(), 60, step=1)
    fresh_db()
    saved = set(Topic.objects.filter(block__meeting=meeting).values_list("title", flat=True))
    indexed = set(
        SearchEntry.objects.filter(meeting=meeting, source="topic").values_list("title", flat=True)
    )
    missing = len(saved - indexed)
    errors = [(t, s, p) for t, s, p in results if s not in (200, 302)]
    saved_errors = [(t, p) for t, s, p in errors if f"接続断 {t}" in saved]
    said_lost = [t for t, p in saved_errors if "保存されていない可能性" in p]
    ok = missing == 0 and not said_lost
    return (
        f"{len(results)} writes, {kills} connections killed, {len(errors)} answered an error "
        f"({len(saved_errors)} of them saved, {len(said_lost)} of those said 'not saved'); "
        f"{owed} index updates owed, after one sweep {missing} topics missing from the index",
        ok,
    )


def scenario_arxiv(stack: Stack, fakes: Fakes, *, interval: float) -> tuple[str, bool]:
    meeting = new_meeting()
    pasters = members(3, stack.web_port, "arxiv")
    stack.stop("worker")
    for n in range(3):
        stack.start_worker(f"arxiv{n}", concurrency=2)
    time.sleep(8)  # the three workers ready
    fakes.arxiv_starts.clear()
    fakes.pdf_starts.clear()
    urls = [f"https://arxiv.org/abs/2501.{n:05d}" for n in range(1, 23)]
    for n, url in enumerate(urls):
        pasters[n % 3].add_topic(meeting.date, title="", url=url, kind="auto")
        # Longer than a batch's quiet second: every paper wants a request of its own, sooner
        # than the interval allows, from whichever worker takes the batch.
        time.sleep(1.5)
    done = poll(lambda: all_final(urls), 240, step=1)
    poll(lambda: len(fakes.pdf_starts) >= len(urls), 180, step=1)
    for n in range(3):
        stack.stop(f"arxiv{n}")
    stack.start_worker()
    api = sorted(fakes.arxiv_starts)
    gaps = [b - a for a, b in itertools.pairwise(api)]
    pdf = sorted(fakes.pdf_starts)
    pdf_gaps = [b - a for a, b in itertools.pairwise(pdf)]
    least = min(gaps) if gaps else float("nan")
    least_pdf = min(pdf_gaps) if pdf_gaps else float("nan")
    ok = done and bool(gaps) and least >= interval
    return (
        f"{len(api)} API requests, {len(gaps)} gaps, smallest {least:.3f} s"
        + ("" if done else " (NOT all final)")
        + f"; {len(pdf)} PDF downloads, smallest gap {least_pdf:.3f} s",
        ok,
    )


GOALS = {
    "redis": ("Redis stopped, 20 saves + board views",
              "0 errors; all 20 links fetched once within 60 s of Redis returning"),
    "worker": ("worker `kill -9` mid-fetch",
               "every link final within 90 s of the worker restarting"),
    "first": ("15 simultaneous first topics by one presenter", "15 saved, 0 errors"),
    "slack": ("Slack answers after 12 s", "0 duplicate posts"),
    "db": ("DB connections killed every 4 s for 90 s",
           "index equals the database after one sweep; no saved write said 'not saved'"),
    "arxiv": ("arXiv with 3 workers", "every gap ≥ 3.0 s"),
}  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES_URL, metavar="URL")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    parser.add_argument("--kill-seconds", type=float, default=90.0)
    parser.add_argument("--slack-delay", type=float, default=12.0)
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the processes' logs here")
    args = parser.parse_args()
    args.use_database_url = False
    unknown = set(args.only.split(",")) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if not shutil.which("redis-server"):
        parser.error("redis-server is needed (the benchmark starts and stops its own)")
    return args


def main() -> None:
    args = parse_args()
    with throwaway_database(args, label="bench_faults"), Fakes().running() as fakes:
        from django.conf import settings

        folder = Path(settings.DATA_DIR)
        database = settings.DATABASES["default"]
        url = f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        url += f"{database['PORT'] or 5432}/{database['NAME']}"
        stack = Stack(folder=folder, database_url=url, fakes=fakes)
        # Sessions and their auth hashes are signed: with the stack's key, or it logs us out.
        settings.SECRET_KEY = stack.env()["SECRET_KEY"]
        try:
            stack.start_redis()
            stack.start_web()
            stack.start_worker()
            stack.start_beat()
            time.sleep(8)
            print(
                f"stack    gunicorn 4×4 on :{stack.web_port}, Celery worker (prefork -c 4) and "
                f"beat, Redis :{stack.redis_port}, PostgreSQL {database['NAME']}, "
                f"fakes :{fakes.port}"
            )
            rows = []
            runs = {
                "redis": lambda: scenario_redis(stack, fakes),
                "worker": lambda: scenario_worker(stack, fakes),
                "first": lambda: scenario_first(stack, fakes),
                "slack": lambda: scenario_slack(stack, fakes, delay=args.slack_delay),
                "db": lambda: scenario_db(stack, fakes, seconds=args.kill_seconds),
                "arxiv": lambda: scenario_arxiv(stack, fakes, interval=3.0),
            }
            for name in SCENARIOS:
                if name in args.only.split(","):
                    started = time.monotonic()
                    measured, ok = runs[name]()
                    rows.append((name, measured, ok))
                    print(f"done     {name} in {time.monotonic() - started:.0f} s", flush=True)
        finally:
            stack.shutdown()
            if args.keep_logs:
                Path(args.keep_logs).mkdir(parents=True, exist_ok=True)
                for log in folder.glob("*.log"):
                    shutil.copy(log, args.keep_logs)
    print()
    print("| scenario | goal | measured | met |")
    print("| --- | --- | --- | --- |")
    for name, measured, ok in rows:
        scenario, goal = GOALS[name]
        print(f"| {scenario} | {goal} | {measured} | {'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    main()
