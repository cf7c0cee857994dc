"""Shared fixtures.

The whole run refuses non-loopback connections (pytest-socket, see pyproject addopts).
Services: tests that need Redis or PostgreSQL ask for `redis_url` / `postgres_only`; without
the variable they are skipped with the reason, unless REQUIRE_SERVICES=1 (CI) makes that a failure.
"""

from __future__ import annotations

import os

import pytest
from kombu import pools

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
def _no_provider_pacing(settings):
    """Provider limiters off: each test serves its own fake provider once. The limiter has
    its own tests (tests/links/test_provider_limits.py)."""
    settings.LINK_PROVIDER_INTERVALS = dict.fromkeys(
        ("github", "huggingface", "openreview", "acl", "doi", "qiita", "zenn", "note", "x"), 0
    )


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


def _drop_broker_connections() -> None:
    # Celery keeps the connection pool (and the producer pool on it) of the first publish; a
    # changed broker_url takes effect only once both are rebuilt.
    app.pool.force_close_all()
    pools.reset()  # kombu's registries still hold the closed pools, keyed by broker URL
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(redis_url):
    """Let this test process publish to the real Redis, on the queue the worker will read."""
    saved = app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_default_queue
    _drop_broker_connections()
    yield app
    app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_default_queue = saved
    _drop_broker_connections()


@pytest.fixture
def imports_at_once(monkeypatch):
    """Files queued by an upload are imported right away, as the worker would do them
    (tests/archive/test_import_worker.py has the real worker, the progress bar, the limit)."""
    from apps.archive import services, tasks

    def work_off(run_id: int) -> None:
        while services.import_run_next_file(run_id=run_id):
            pass

    monkeypatch.setattr(tasks.import_notes_files, "delay", work_off)
