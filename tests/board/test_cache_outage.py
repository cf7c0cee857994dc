"""Redis down: the board is rendered without its cache, never answered with a 500."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from tests import factories

pytestmark = pytest.mark.django_db

# Nothing listens on port 1 of the loopback: every cache call is refused at once.
DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
}


def test_the_board_and_home_answer_while_the_cache_is_unreachable(member_client, settings, caplog):
    meeting = factories.meeting()
    factories.topic(meeting=meeting, title="キャッシュが落ちても読める")
    settings.CACHES = DEAD_REDIS
    caches._settings = None  # pick up the new CACHES
    try:
        for _ in range(2):  # the first render, and the one that would have been cached
            response = member_client.get(meeting.get_absolute_url())
            assert response.status_code == 200
            assert "キャッシュが落ちても読める" in response.content.decode()
        assert member_client.get("/").status_code == 200
    finally:
        caches._settings = None
    assert "board cache unavailable" in caplog.text
