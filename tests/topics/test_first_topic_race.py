"""A presenter's first topics posted at once (two tabs, a double click): all saved, one block."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from apps.meetings.models import PresenterBlock
from apps.topics.models import Topic
from apps.topics.services import topic_create
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 15


def _needs_postgres() -> None:
    # Not a missing service: SQLite takes one writer at a time by design, so the race cannot
    # happen there. CI's PostgreSQL run executes this test.
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (DATABASE_URL); SQLite has one writer")


def test_simultaneous_first_topics_by_one_presenter_all_land_in_one_block():
    _needs_postgres()
    meeting = factories.meeting()
    presenter = factories.MemberFactory()
    others = [factories.MemberFactory() for _ in range(3)]
    start = threading.Barrier(WRITERS + len(others))
    errors: list[BaseException] = []

    def post(author, title: str) -> None:
        try:
            start.wait(timeout=10)
            topic_create(meeting=meeting, presenter=author, kind="blog", title=title)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=post, args=(presenter, f"同時 {n}")) for n in range(WRITERS)
    ] + [threading.Thread(target=post, args=(m, f"別の人 {m.pk}")) for m in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Topic.objects.filter(block__presenter=presenter).count() == WRITERS
    assert PresenterBlock.objects.filter(meeting=meeting, presenter=presenter).count() == 1
    positions = list(
        PresenterBlock.objects.filter(meeting=meeting).values_list("position", flat=True)
    )
    assert len(positions) == len(set(positions)) == 1 + len(others)
