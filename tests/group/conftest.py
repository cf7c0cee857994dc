"""Fixtures for the group app: known settings, a fake Slack webhook, tasks run in-process."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from apps.group.models import GroupSettings
from apps.group.selectors import group_settings
from tests.links.fixtures import allow_local_server

HOOK_PATH = "/services/T000/B000/XXXXXXXX"
HANG = 0  # a "status" for Webhook.answer: never answer (until the test is over)
LATE = 1  # post the message, then answer 200 after the client's deadline has passed
LATE_BY = 3.0  # seconds; SLACK_WEBHOOK_TIMEOUT is 1.5 s in these tests


@pytest.fixture
def group(db) -> GroupSettings:
    """Fridays 19:00 for 90 minutes in Tokyo; topics due the day before at 18:00."""
    group_settings()
    GroupSettings.objects.update(
        name="機械学習勉強会",
        meeting_weekday=4,
        start_time=dt.time(19, 0),
        length_minutes=90,
        time_zone="Asia/Tokyo",
        deadline_days_before=1,
        deadline_time=dt.time(18, 0),
        reminder_hours_before_deadline=24,
    )
    return group_settings()


@dataclass
class Webhook:
    """The fake Slack endpoint: answers with the statuses given (the last one repeats) and
    keeps every message it received."""

    server: HTTPServer
    url: str
    statuses: list[int] = field(default_factory=lambda: [200])
    messages: list[dict] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def answer(self, *statuses: int) -> None:
        self.statuses = list(statuses)

    def _handle(self, request: Request) -> Response:
        self.requests.append(request)
        self.messages.append(json.loads(request.get_data()))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if status == HANG:
            self.released.wait(5)
            return Response("too late")
        if status == LATE:
            # Slack has posted the message; only its answer is slow.
            self.released.wait(LATE_BY)
            return Response("ok", content_type="text/html")
        # Slack answers "ok", or a short error code such as "no_service".
        return Response(
            "ok" if status == 200 else "no_service", status=status, content_type="text/html"
        )

    @property
    def texts(self) -> list[str]:
        return [message["text"] for message in self.messages]


@pytest.fixture
def webhook(group, httpserver: HTTPServer, settings) -> Iterator[Webhook]:
    """A local fake Slack webhook, configured on the group.

    The row is written directly: the settings form rightly refuses plain http, and the fake
    server has no certificate. safe_http reaches it through the loopback allowance tests use.
    """
    base = allow_local_server(settings, httpserver)
    # Short, so a hanging webhook does not slow the suite down; not so short that a busy
    # machine makes a prompt answer late (a late answer is 要確認, not retried).
    settings.SLACK_WEBHOOK_TIMEOUT = 1.5
    settings.SITE_URL = "https://board.example.jp"
    hook = Webhook(server=httpserver, url=base + HOOK_PATH)
    httpserver.expect_request(HOOK_PATH, method="POST").respond_with_handler(hook._handle)
    GroupSettings.objects.update(slack_webhook_url=hook.url)
    yield hook
    hook.released.set()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Queued tasks run at once in this process (retries too, without their countdown)."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
