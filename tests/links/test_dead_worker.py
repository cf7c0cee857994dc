"""A worker killed with SIGKILL in the middle of a fetch: the link is fetched again soon after
(its claim goes stale after the fetch deadline), and no URL is fetched more than twice."""

from __future__ import annotations

import threading
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from apps.links.models import Link
from tests import factories
from tests.celery_processes import celery_processes
from tests.links.test_worker import PAGE, worker_env

FETCH_TIME_LIMIT = 4  # seconds: the claim of a dead worker is stale after 4 + 1
SWEEP_INTERVAL = 1


def poll(condition, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.django_db(transaction=True)
def test_a_fetch_killed_with_its_worker_is_retried_once_soon_after(
    redis_url,
    broker,
    httpserver: HTTPServer,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page_requests: list[float] = []
    first_may_answer = threading.Event()

    def page(request: Request) -> Response:
        page_requests.append(time.monotonic())
        if len(page_requests) == 1:
            first_may_answer.wait(30)  # the worker dies while this fetch waits
        return Response(PAGE, content_type="text/html; charset=utf-8")

    httpserver.expect_request("/slow-post").respond_with_handler(page)
    base = f"http://127.0.0.1:{httpserver.port}"
    env = {
        **worker_env(base),
        "LINK_FETCH_TIME_LIMIT": str(FETCH_TIME_LIMIT),
        "LINK_SWEEP_INTERVAL": str(SWEEP_INTERVAL),
    }
    with celery_processes(redis_url=redis_url, folder=tmp_path, env=env) as run:
        broker.conf.broker_url = redis_url
        broker.conf.broker_transport_options = {}
        broker.conf.task_default_queue = run.queue
        topic = factories.topic(url=f"{base}/slow-post", title="", kind="auto")

        assert poll(lambda: page_requests, seconds=60), run.logs()
        assert Link.objects.get(pk=topic.link_id).status == "fetching"
        run.kill_worker()
        first_may_answer.set()
        run.restart_worker()
        restarted = time.monotonic()

        def final() -> bool:
            return not Link.objects.get(pk=topic.link_id).is_waiting

        done = poll(final, seconds=60)
        recovered_in = time.monotonic() - restarted
        time.sleep(2 * SWEEP_INTERVAL)  # a few more sweeps: nothing fetches it again
        logs = run.logs()

    link = Link.objects.get(pk=topic.link_id)
    assert done, logs
    assert link.status == "ok", logs
    assert link.title == "LLMにJSONを出力させる技術"
    assert len(page_requests) == 2  # the killed fetch and its one retry
    assert link.attempts == 2
    # Stale after the fetch deadline plus a margin, found by the next sweep, then fetched.
    assert recovered_in < FETCH_TIME_LIMIT + 1 + 3 * SWEEP_INTERVAL + 10
