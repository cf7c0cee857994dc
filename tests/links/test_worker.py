"""A real worker on Redis turns a pasted URL into a card; a link saved while the broker was
down is fetched once it is back (beat's sweep)."""

from __future__ import annotations

import time

import pytest
from PIL import Image
from pytest_httpserver import HTTPServer

from apps.links.models import Link
from tests import factories
from tests.celery_processes import celery_processes
from tests.links.test_pipeline import png_bytes

DEADLINE_SECONDS = 60
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta property="og:title" content="LLMにJSONを出力させる技術">
<meta property="og:site_name" content="Tech Blog">
<meta property="og:image" content="/card.png">
</head><body>本文</body></html>"""


def wait_until_fetched(link_id: int) -> Link:
    deadline = time.monotonic() + DEADLINE_SECONDS
    link = Link.objects.get(pk=link_id)
    while link.is_waiting and time.monotonic() < deadline:
        time.sleep(0.25)
        link.refresh_from_db()
    return link


@pytest.fixture
def blog(httpserver: HTTPServer) -> str:
    httpserver.expect_request("/post").respond_with_data(
        PAGE, content_type="text/html; charset=utf-8"
    )
    httpserver.expect_request("/card.png").respond_with_data(png_bytes(), content_type="image/png")
    return f"http://127.0.0.1:{httpserver.port}"


def worker_env(server_base: str) -> dict[str, str]:
    port = server_base.rsplit(":", 1)[1]
    return {
        "LINK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
        "LINK_FETCH_ALLOWED_PORTS": port,
        "LINK_SWEEP_GRACE": "0",
    }


@pytest.mark.django_db(transaction=True)
def test_saved_topic_gets_its_card_from_a_real_worker(redis_url, broker, blog, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with celery_processes(redis_url=redis_url, folder=tmp_path, env=worker_env(blog)) as run:
        broker.conf.broker_url = redis_url
        broker.conf.broker_transport_options = {}
        broker.conf.task_default_queue = run.queue
        topic = factories.topic(url=f"{blog}/post", title="", kind="auto")

        link = wait_until_fetched(topic.link_id)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not link.thumbnail and time.monotonic() < deadline:
            time.sleep(0.25)
            link.refresh_from_db()
        logs = run.logs()

    assert link.status == "ok", logs
    assert link.title == "LLMにJSONを出力させる技術"
    assert Image.open(link.thumbnail.open("rb")).format == "WEBP"
    topic.refresh_from_db()
    assert topic.title == "LLMにJSONを出力させる技術"


@pytest.mark.django_db(transaction=True)
def test_link_saved_while_the_broker_was_down_is_fetched_when_it_is_back(
    redis_url, broker, blog, tmp_path
):
    broker.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    broker.conf.broker_transport_options = {"socket_connect_timeout": 0.5}
    started = time.monotonic()
    topic = factories.topic(url=f"{blog}/post", title="ブローカー停止中に保存")
    assert time.monotonic() - started < 10  # the save does not hang on the dead broker
    assert Link.objects.get(pk=topic.link_id).status == "pending"

    # The broker is back and a worker with beat starts: the sweep finds the waiting link.
    with celery_processes(redis_url=redis_url, folder=tmp_path, env=worker_env(blog)) as run:
        link = wait_until_fetched(topic.link_id)
        logs = run.logs()

    assert link.status == "ok", logs
    assert "sweep_links" in logs
