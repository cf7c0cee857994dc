"""The board's rendered body, cached per meeting revision and per viewer.

Every write to a board bumps `Meeting.revision`, so a cached body is never served after a
change: the key moves on. The key also names the viewer (edit controls differ per member)
and their CSRF secret (the forms in the body carry a token), the language and the release
(a deploy with new templates starts afresh). Entries also expire, which bounds how long
things that do not bump the revision (a member renaming themself) can stay stale.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

TIMEOUT_SECONDS = 600

logger = logging.getLogger(__name__)


def _key(request, *, meeting_id: int, revision: int) -> str:
    viewer = request.user.pk if request.user.is_authenticated else "anon"
    csrf_secret = request.META.get("CSRF_COOKIE", "")
    csrf = hashlib.sha256(csrf_secret.encode()).hexdigest()[:16]
    return f"board:{settings.RELEASE}:{get_language()}:{meeting_id}:{revision}:{viewer}:{csrf}"


def cached_body(request, *, meeting_id: int, revision: int) -> str | None:
    """The cached body, or None: also when the cache (Redis) is unreachable, so that an outage
    costs a render, never the page."""
    try:
        return cache.get(_key(request, meeting_id=meeting_id, revision=revision))
    except Exception:  # any cache backend's failure: connection refused, timeout, …
        logger.warning("board cache unavailable; rendering the board uncached", exc_info=True)
        return None


def store_body(request, *, meeting_id: int, revision: int, body: str) -> None:
    try:
        cache.set(_key(request, meeting_id=meeting_id, revision=revision), body, TIMEOUT_SECONDS)
    except Exception:  # the page was rendered; not keeping it is harmless
        logger.warning("board cache unavailable; the board was not cached", exc_info=True)
