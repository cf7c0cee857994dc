"""The arXiv pacing holds across processes: a Redis key, or a database row without Redis."""

from __future__ import annotations

import time

import pytest

from apps.links.ratelimit import wait_for_slot

INTERVAL = 0.4


def two_calls_apart() -> float:
    """Time for two slots in a row: the second is granted an interval after the first."""
    start = time.monotonic()
    wait_for_slot("bench-test", INTERVAL)
    wait_for_slot("bench-test", INTERVAL)
    return time.monotonic() - start


@pytest.mark.django_db(transaction=True)
def test_database_slot_spaces_calls(settings):
    settings.REDIS_URL = ""

    assert two_calls_apart() >= INTERVAL * 0.9


def test_redis_slot_spaces_calls(settings, redis_url):
    import redis

    settings.REDIS_URL = redis_url
    redis.Redis.from_url(redis_url).delete("board:ratelimit:bench-test")

    assert two_calls_apart() >= INTERVAL * 0.9


@pytest.mark.django_db(transaction=True)
def test_a_slot_that_cannot_come_in_time_raises(settings):
    settings.REDIS_URL = ""
    wait_for_slot("slow-api", 30)

    with pytest.raises(TimeoutError):
        wait_for_slot("slow-api", 30, timeout=1)
