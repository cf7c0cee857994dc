"""One limiter per host family: every provider API is asked at most once per its interval.

The interval is shared by all workers (``ratelimit.wait_for_slot``: Redis, or a database row
in the embedded default). arXiv keeps its own batch slot (``fetching``); these are the others.
Qiita allows 60 unauthenticated requests an hour, so a Qiita card that cannot have the API's
slot soon is made from the article page instead (``jp_blogs``), which is not rate limited.
"""

from __future__ import annotations

from django.conf import settings

from apps.core.http.safe_http import FetchError

from .ratelimit import wait_for_slot

# Seconds between two requests to one family, across all workers. Override per family with
# the LINK_PROVIDER_INTERVALS setting; 0 turns a limiter off.
DEFAULT_INTERVALS = {
    "github": 0.25,  # 900 points a minute is its secondary limit
    "huggingface": 0.2,
    "openreview": 1.0,
    "acl": 1.0,
    "doi": 0.5,
    "qiita": 60.0,
    "zenn": 1.0,
    "note": 1.0,
    "x": 1.0,
}
MAX_WAIT = 20.0  # a worker waits this long for a slot, then the fetch is retried later
FALLBACK_WAIT = 2.0  # ... or this long, where a page can stand in for the API (Qiita)


def interval(family: str) -> float:
    intervals = {**DEFAULT_INTERVALS, **getattr(settings, "LINK_PROVIDER_INTERVALS", {})}
    return float(intervals.get(family, 0.0))


def fallback_wait() -> float:
    return float(getattr(settings, "LINK_PROVIDER_FALLBACK_WAIT", FALLBACK_WAIT))


def take_slot(family: str, *, wait: float = MAX_WAIT) -> bool:
    """True once this worker may call ``family``; False if no slot comes within ``wait``."""
    seconds = interval(family)
    if seconds <= 0:
        return True
    try:
        wait_for_slot(f"provider:{family}", seconds, timeout=wait)
    except TimeoutError:
        return False
    return True


def require_slot(family: str) -> None:
    """Wait for the family's slot; a transient timeout (retried with backoff) if none comes."""
    if not take_slot(family):
        raise FetchError("timeout", transient=True, detail=f"no {family} slot in {MAX_WAIT}s")
