"""Shared fixtures.

The whole run refuses non-loopback connections (pytest-socket, see pyproject addopts).
Services: tests that need Redis or PostgreSQL ask for `redis_url` / `postgres_only`; without
the variable they are skipped with the reason, unless REQUIRE_SERVICES=1 (CI) makes that a failure.
"""

from __future__ import annotations

import os

import pytest

from config.celery import app
from tests import factories


def _missing_service(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _in_memory_broker():
    """Tasks queued by the code under test go nowhere unless a test runs a real worker.

    (That test starts its own worker processes on Redis; see
    tests/meetings/test_beat_and_worker.py.)
    """
    from config.celery import app

    app.conf.broker_url = "memory://"
    app.conf.broker_transport = None  # the embedded default names its filesystem transport
    app.conf.broker_transport_options = {}


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty local cache (cached boards are keyed by ids that repeat)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default hasher is slow on purpose; tests create many members.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _missing_service("REDIS_URL is not set: this test needs a real Redis")
    return url


@pytest.fixture
def member(db):
    return factories.MemberFactory()


@pytest.fixture
def organizer(db):
    return factories.MemberFactory(is_organizer=True)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def broker(redis_url):
    """Let this test process publish to the real Redis, on the queue the worker will read."""
    saved = app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_default_queue
    yield app
    app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_default_queue = saved
    app.pool.force_close_all()
