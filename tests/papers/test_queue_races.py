"""The queue under simultaneous clicks: one claim wins, every vote counts exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.links.services import link_for_pasted_url
from apps.papers import queue
from apps.papers.models import QueueEntry, Vote
from apps.papers.services import paper_for_link
from apps.topics.models import Topic
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_postgres() -> None:
    # SQLite takes one writer at a time by design, so these races cannot happen there;
    # CI's PostgreSQL run executes them.
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (DATABASE_URL); SQLite has one writer")


def _all_at_once(calls: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    start = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait(timeout=10)
            results.append(call())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_members_claiming_one_paper_at_once_one_wins_and_the_others_learn_who():
    _needs_postgres()
    factories.meeting(date=timezone.localdate() + dt.timedelta(days=7))
    entry = queue.queue_propose(member=factories.MemberFactory(), text="誰かRLHFの流れを").entry
    claimers = [factories.MemberFactory() for _ in range(6)]
    calls = [(lambda m=m: queue.queue_claim(entry_id=entry.pk, member=m)) for m in claimers]
    topics, errors = _all_at_once(calls)
    assert len(topics) == 1
    assert len(errors) == 5
    assert all(isinstance(error, queue.AlreadyClaimed) for error in errors)
    entry.refresh_from_db()
    assert Topic.objects.filter(title="誰かRLHFの流れを").count() == 1
    assert entry.claimed_topic == topics[0]
    winner = entry.claimed_by
    assert all(winner.display_name in str(error) for error in errors)


def test_fifty_simultaneous_votes_on_one_paper_are_each_counted_once():
    _needs_postgres()
    paper = paper_for_link(link_for_pasted_url("https://arxiv.org/abs/2503.08026"))
    voters = [factories.MemberFactory() for _ in range(25)]
    # Every voter clicks twice at the same moment: 50 requests, 25 votes.
    calls = [(lambda m=m: queue.vote_paper(paper=paper, member=m, on=True)) for m in voters * 2]
    _results, errors = _all_at_once(calls)
    assert errors == []
    entry = QueueEntry.objects.get(paper=paper)
    assert Vote.objects.filter(entry=entry).count() == 25
    assert set(Vote.objects.values_list("member_id", flat=True)) == {m.pk for m in voters}
