"""The database connection lost right after a commit: the write stands, its index entries
come with the next sweep (no manual rebuild), and the error page does not say "not saved"."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, connection, transaction
from django.urls import reverse

from apps.search import indexing, tasks
from apps.search.models import PendingIndex
from apps.search.query import parse_query
from apps.search.selectors import search
from apps.topics import services as topic_services
from apps.topics.models import Topic
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

LOST = (OperationalError, InterfaceError)


def _terminate_own_backend() -> None:
    """Kill this connection's server process from a second connection, as a restarted
    database or a cut network would."""
    pid = connection.connection.info.backend_pid
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        password=params["PASSWORD"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits until it is gone


def lose_connection_after_commit() -> None:
    """Call first inside the outermost atomic block: this hook then runs right after the
    commit, before the transaction's own on-commit work.

    On PostgreSQL the connection is really killed (the work that follows fails on it); on
    SQLite, which has no server to lose, the hook raises what a lost connection raises, and
    the work registered after it is skipped the same way.
    """
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        transaction.on_commit(_terminate_own_backend)
    else:
        fail_after_commit()


def fail_after_commit() -> None:
    """The request fails right after its commit, as when the connection is gone for good:
    the on-commit work registered after this hook is skipped and the view answers 500."""

    def lost() -> None:
        raise OperationalError("server closed the connection unexpectedly")

    transaction.on_commit(lost)


def found(q: str) -> list[str]:
    return [hit.entry.title or hit.entry.body for hit in search(parse_query(q)).hits]


def one_sweep(monkeypatch) -> int:
    # The grace keeps the sweep off rows whose writer is about to do them; here it is the
    # next beat, long after.
    monkeypatch.setattr(indexing, "SWEEP_GRACE", dt.timedelta(0))
    return tasks.sweep_pending_index.apply().get()


def test_entries_lost_with_the_connection_after_commit_appear_after_one_sweep(monkeypatch):
    meeting = factories.meeting()
    presenter, commenter = factories.MemberFactory(), factories.MemberFactory()

    with suppress(*LOST), transaction.atomic():
        lose_connection_after_commit()
        topic = topic_services.topic_create(
            meeting=meeting, presenter=presenter, kind="blog", title="接続断の直後に保存した話"
        )
        topic_services.remark_create(author=commenter, topic=topic, body="再接続のコメント")
    connection.close()  # what Django does with an unusable connection after the request

    assert Topic.objects.filter(pk=topic.pk).exists()  # the write committed
    # The work right after the commit failed on the dead connection (later hooks may find
    # a fresh one: Django reconnects after the failed one closes it).
    assert found("接続断") == []
    assert PendingIndex.objects.filter(subject="topic", object_id=topic.pk).exists()

    assert one_sweep(monkeypatch) >= 1
    assert found("接続断") == ["接続断の直後に保存した話"]
    assert found("再接続") == ["再接続のコメント"]
    assert PendingIndex.objects.count() == 0
    assert one_sweep(monkeypatch) == 0  # nothing done twice


def test_a_normal_save_is_indexed_at_once_and_owes_nothing():
    meeting = factories.meeting()
    topic_services.topic_create(
        meeting=meeting, presenter=factories.MemberFactory(), kind="oss", title="普通の保存"
    )
    assert found("普通の保存") == ["普通の保存"]
    assert PendingIndex.objects.count() == 0


@pytest.fixture
def lenient_client(member_client):
    member_client.raise_request_exception = False  # see the 500 page as a member would
    return member_client


def test_a_save_whose_connection_dies_after_commit_says_saved_not_lost(lenient_client, monkeypatch):
    meeting = factories.meeting()
    original = topic_services.topic_create

    def create_then_lose_connection(**kwargs):
        with transaction.atomic():
            fail_after_commit()
            return original(**kwargs)

    monkeypatch.setattr(topic_services, "topic_create", create_then_lose_connection)
    response = lenient_client.post(
        reverse("topics:create", args=[meeting.date]),
        {"kind": "blog", "title": "落ちても保存された話", "url": "", "notes": ""},
        headers={"HX-Request": "true"},
    )
    connection.close()

    page = response.content.decode()
    assert response.status_code == 500
    assert Topic.objects.filter(title="落ちても保存された話").exists()
    assert "保存されました" in page
    assert "保存されていない可能性" not in page
    one_sweep(monkeypatch)
    assert found("落ちても保存") == ["落ちても保存された話"]


def test_a_commit_whose_answer_is_lost_says_it_may_have_been_saved(lenient_client, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("losing a connection during COMMIT needs a server (DATABASE_URL)")
    meeting = factories.meeting()
    original = topic_services.topic_create

    def create_and_lose_connection_before_commit(**kwargs):
        with transaction.atomic():
            topic = original(**kwargs)
            connection.ensure_connection()
            _terminate_own_backend()  # the COMMIT goes to a dead server: no answer
            return topic

    monkeypatch.setattr(topic_services, "topic_create", create_and_lose_connection_before_commit)
    response = lenient_client.post(
        reverse("topics:create", args=[meeting.date]),
        {"kind": "blog", "title": "届いたか分からない話", "url": "", "notes": ""},
        headers={"HX-Request": "true"},
    )
    connection.close()

    page = response.content.decode()
    assert response.status_code == 500
    assert "保存されたかどうか確認できませんでした" in page
    assert "保存されていない可能性" not in page


def test_an_error_before_any_write_still_says_it_may_not_be_saved(lenient_client, monkeypatch):
    meeting = factories.meeting()

    def broken(**kwargs):
        raise RuntimeError("a bug before the write")

    monkeypatch.setattr(topic_services, "topic_create", broken)
    response = lenient_client.post(
        reverse("topics:create", args=[meeting.date]),
        {"kind": "blog", "title": "保存されない話", "url": "", "notes": ""},
    )
    assert response.status_code == 500
    assert "保存されていない可能性" in response.content.decode()
