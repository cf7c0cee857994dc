"""The arXiv pacing holds across processes (a Redis key, or a database row without Redis):
at least the interval between two request starts, however slowly a caller sends."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from django.db import connections

from apps.links.ratelimit import rate_slot

INTERVAL = 0.4


def request_starts(name: str, *, callers: int, delays: list[float]) -> list[float]:
    """Callers in threads, each sending its request `delay` seconds after its slot is
    granted (DNS, TLS, a busy worker): when the requests start."""
    starts: list[float] = []
    errors: list[BaseException] = []

    def call(delay: float) -> None:
        try:
            with rate_slot(name, INTERVAL, timeout=30):
                time.sleep(delay)
                starts.append(time.monotonic())
                time.sleep(0.02)  # the request itself
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=call, args=(delays[n % len(delays)],)) for n in range(callers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return sorted(starts)


def gaps(starts: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(starts)]


@pytest.fixture
def redis_slot(settings, redis_url):
    import redis

    settings.REDIS_URL = redis_url
    redis.Redis.from_url(redis_url).delete("board:ratelimit:spacing-test")


@pytest.fixture
def database_slot(settings):
    settings.REDIS_URL = ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("slot", ["redis_slot", "database_slot"])
def test_request_starts_are_an_interval_apart_even_when_callers_are_slow_to_send(slot, request):
    request.getfixturevalue(slot)
    # The first caller is slow to send, the next quick: timing the slot when granted let
    # the quick one start less than an interval after the slow one.
    starts = request_starts("spacing-test", callers=5, delays=[0.25, 0.0, 0.15, 0.0, 0.3])

    assert len(starts) == 5
    assert min(gaps(starts)) >= INTERVAL


@pytest.mark.django_db(transaction=True)
def test_a_slot_that_cannot_come_in_time_raises(settings):
    settings.REDIS_URL = ""
    with rate_slot("slow-api", 30):
        pass

    with pytest.raises(TimeoutError), rate_slot("slow-api", 30, timeout=1):
        pass


@pytest.mark.django_db(transaction=True)
def test_a_caller_that_dies_holding_the_slot_frees_it_after_the_hold(settings):
    settings.REDIS_URL = ""
    slot = rate_slot("dead-caller", INTERVAL, hold=0.5)
    slot.__enter__()  # and never leaves: its worker was killed
    started = time.monotonic()

    with rate_slot("dead-caller", INTERVAL, timeout=5):
        waited = time.monotonic() - started

    assert 0.3 < waited < 3


@pytest.mark.django_db(transaction=True)
def test_pdf_downloads_for_paper_thumbnails_take_turns(settings, httpserver, tmp_path):
    from werkzeug import Response

    from apps.links import fetching
    from apps.links.models import Link
    from tests.links.fixtures import allow_local_server
    from tests.links.test_pipeline import pdf_bytes

    settings.REDIS_URL = ""
    settings.MEDIA_ROOT = tmp_path
    settings.ARXIV_MIN_INTERVAL = INTERVAL
    base = allow_local_server(settings, httpserver)
    arrived: list[float] = []

    def pdf(request):
        arrived.append(time.monotonic())
        return Response(pdf_bytes(), content_type="application/pdf")

    papers = [f"2501.0000{n}" for n in range(1, 5)]
    for paper in papers:
        httpserver.expect_request(f"/pdf/{paper}").respond_with_handler(pdf)
        Link.objects.create(
            canonical_url=f"https://arxiv.org/abs/{paper}",
            kind="arxiv",
            key=paper,
            status="ok",
            extra={"pdf_url": f"{base}/pdf/{paper}"},
        )
    stored: list[bool] = []

    def thumbnail(link: Link) -> None:
        try:
            stored.append(fetching.store_thumbnail(link))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thumbnail, args=(link,)) for link in Link.objects.all()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert stored == [True] * 4
    assert len(arrived) == 4
    assert min(gaps(sorted(arrived))) >= INTERVAL
