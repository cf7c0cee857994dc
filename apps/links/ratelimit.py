"""A minimum interval between calls to one external API, shared by every worker process.

arXiv asks for at most one request every three seconds; the `arxiv` package's own delay is
per process. With Redis the slot is a key that expires after the interval (SET NX PX); in
the embedded default it is a database row locked while it is checked and moved.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RateLimitSlot


def wait_for_slot(name: str, interval: float, *, timeout: float = 120.0) -> None:
    """Block until this process may make the call; then the next one must wait `interval`."""
    deadline = time.monotonic() + timeout
    take = _take_redis_slot if settings.REDIS_URL else _take_database_slot
    while True:
        wait = take(name, interval)
        if wait <= 0:
            return
        if time.monotonic() + wait > deadline:
            raise TimeoutError(f"no {name} slot within {timeout} s")
        time.sleep(wait)


def _take_redis_slot(name: str, interval: float) -> float:
    client = _redis()
    key = f"board:ratelimit:{name}"
    if client.set(key, "1", nx=True, px=max(1, int(interval * 1000))):
        return 0.0
    remaining_ms = client.pttl(key)
    return max(remaining_ms, 10) / 1000


def _take_database_slot(name: str, interval: float) -> float:
    with transaction.atomic():
        slot, _ = RateLimitSlot.objects.select_for_update().get_or_create(name=name)
        now = timezone.now()
        if slot.next_at is None or slot.next_at <= now:
            slot.next_at = now + dt.timedelta(seconds=interval)
            slot.save(update_fields=["next_at"])
            return 0.0
        return (slot.next_at - now).total_seconds()


_client = None


def _redis():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL)
    return _client
