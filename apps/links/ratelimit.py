"""A minimum interval between calls to one external API, shared by every worker process.

arXiv asks for one request every three seconds, over a single connection at a time; the
`arxiv` package's own delay is per process. A caller holds the API's one slot for the whole
call (``with rate_slot(...)``), and the next call may start only `interval` after that one
has ended. So the gap between two request starts is at least `interval`, however long a
caller took between being granted the slot and sending (timing the slot when granted let
two requests go out 2.9 s apart).

With Redis the slot is a key: held with the caller's token (SET NX, expiring after `hold`
in case the caller dies), then on release replaced by a cool-down key that expires after
`interval`. In the embedded default it is a database row whose `next_at` is moved the same
way, under a row lock.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RateLimitSlot

DEFAULT_HOLD = 60.0  # longer than any call made in the slot (arXiv's feed deadline is 20 s)
_POLL = 0.05  # seconds between looks at a slot that is held


@contextmanager
def rate_slot(
    name: str, interval: float, *, timeout: float = 120.0, hold: float = DEFAULT_HOLD
) -> Iterator[None]:
    """Wait for the slot (TimeoutError after `timeout` s), make the call inside the block."""
    slot = _RedisSlot(name) if settings.REDIS_URL else _DatabaseSlot(name)
    deadline = time.monotonic() + timeout
    while True:
        wait = slot.take(hold)
        if wait <= 0:
            break
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {name} slot within {timeout} s")
        time.sleep(min(wait, left))
    try:
        yield
    finally:
        slot.release(interval)


def wait_for_slot(name: str, interval: float, *, timeout: float = 120.0) -> None:
    """For APIs that only ask for a spacing between requests (apps.links.provider_limits):
    take the slot and let the interval run from now; the call is made after, outside it."""
    with rate_slot(name, interval, timeout=timeout, hold=max(interval, 1.0)):
        pass


class _RedisSlot:
    # Replace the holder's key by the cool-down, only if it is still ours (it may have
    # expired and been taken by another caller meanwhile).
    _RELEASE = """
    if redis.call('get', KEYS[1]) == ARGV[1] then
        return redis.call('set', KEYS[1], 'cooling', 'PX', ARGV[2])
    end
    return 0
    """

    def __init__(self, name: str) -> None:
        self.key = f"board:ratelimit:{name}"
        self.token = uuid.uuid4().hex

    def take(self, hold: float) -> float:
        client = _redis()
        if client.set(self.key, self.token, nx=True, px=max(1, int(hold * 1000))):
            return 0.0
        with client.pipeline() as pipe:
            value, remaining_ms = pipe.get(self.key).pttl(self.key).execute()
        if value != b"cooling":  # held: it ends when the call does, so look again soon
            return _POLL
        return max(remaining_ms, 10) / 1000

    def release(self, interval: float) -> None:
        _redis().eval(self._RELEASE, 1, self.key, self.token, max(1, int(interval * 1000)))


class _DatabaseSlot:
    def __init__(self, name: str) -> None:
        self.name = name
        self.held_until: dt.datetime | None = None

    def take(self, hold: float) -> float:
        with transaction.atomic():
            slot, _ = RateLimitSlot.objects.select_for_update().get_or_create(name=self.name)
            now = timezone.now()
            if slot.next_at is None or slot.next_at <= now:
                # Held until released; a caller that dies frees it after `hold`.
                self.held_until = slot.next_at = now + dt.timedelta(seconds=hold)
                slot.save(update_fields=["next_at"])
                return 0.0
            # Held (its end is unknown) or cooling down: look again by then, at the latest.
            return min((slot.next_at - now).total_seconds(), _POLL)

    def release(self, interval: float) -> None:
        RateLimitSlot.objects.filter(name=self.name, next_at=self.held_until).update(
            next_at=timezone.now() + dt.timedelta(seconds=interval)
        )


_client = None


def _redis():
    global _client
    if _client is None:
        import redis

        _client = redis.Redis.from_url(settings.REDIS_URL)
    return _client
