"""Reading queue benchmark: the queue page at 100 and 5,000 entries, and simultaneous votes.

    uv run python bench/reading_queue.py [--entries 5000] [--votes 50000] [--postgres [URL]]

1. 100 members; the queue filled with 100 papers, then with all of them (5,000 by default),
   50,000 votes spread unevenly (a few papers are wanted by many). The queue page's server
   time (median) and query count at both sizes, beside a trivial view from the same run: the
   page is paginated, so its query count must stay flat.
2. 50 members vote on one paper at the same moment (threads, one connection each): every vote
   must be counted exactly once. On SQLite the writes take turns; PostgreSQL runs them at once.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

# Not bench/queue.py: on the scripts' path that name would hide the standard library's queue.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import add_database_arguments, throwaway_database

ROUNDS = 15
MEMBERS = 100
FIRST = 100
CONCURRENT = 50


def _median_ms(run, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _members():
    from apps.accounts.models import User

    User.objects.bulk_create(
        [
            User(username=f"q{n}", handle=f"q{n}", display_name=f"Queue Member {n}")
            for n in range(MEMBERS + CONCURRENT)
        ]
    )
    return list(User.objects.order_by("pk"))


def _fill(members, *, start: int, stop: int, votes: int, rng: random.Random) -> None:
    from django.db import connection
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from apps.papers.models import Paper, QueueEntry, Vote

    Paper.objects.bulk_create(
        [
            Paper(key=f"arxiv:2601.{n:05d}", title=f"Queued paper {n} on reasoning models")
            for n in range(start, stop)
        ]
    )
    papers = Paper.objects.filter(key__gte=f"arxiv:2601.{start:05d}").order_by("pk")
    QueueEntry.objects.bulk_create(
        [
            QueueEntry(kind="paper", paper=paper, proposed_by=members[n % MEMBERS])
            for n, paper in enumerate(papers)
        ]
    )
    entries = list(QueueEntry.objects.filter(paper__in=papers).values_list("pk", flat=True))
    # A few entries are wanted by many, most by a few: weights falling with the rank.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(entries))]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < min(votes, len(entries) * MEMBERS):
        for entry in rng.choices(entries, weights=weights, k=votes - len(pairs)):
            pairs.add((members[rng.randrange(MEMBERS)].pk, entry))
    rows = [Vote(member_id=member, entry_id=entry) for member, entry in pairs]
    Vote.objects.bulk_create(rows[:votes], batch_size=2000)
    # The votes went in directly: set each entry's count as voting would have.
    counted = (
        Vote.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    QueueEntry.objects.filter(pk__in=entries).update(vote_count=Coalesce(Subquery(counted), 0))
    if connection.vendor == "postgresql":  # as autovacuum would, before the page is read
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _measure(client, url: str) -> tuple[float, int]:
    from django.db import connection

    assert client.get(url).status_code == 200
    executed: list[str] = []

    def count(run, sql, *args):
        executed.append(sql)
        return run(sql, *args)

    with connection.execute_wrapper(count):  # at the driver: requests reset Django's log
        client.get(url)
    return _median_ms(lambda: client.get(url)), len(executed)


def measure_page(args) -> list:
    from django.test import Client

    from apps.papers.models import QueueEntry, Vote

    rng = random.Random(1)
    members = _members()
    client = Client()
    client.force_login(members[0])
    base_ms, base_queries = _measure(client, "/healthz")
    first_votes = args.votes * FIRST // args.entries
    _fill(members, start=0, stop=FIRST, votes=first_votes, rng=rng)
    small = _measure(client, "/queue/")
    _fill(members, start=FIRST, stop=args.entries, votes=args.votes - first_votes, rng=rng)
    large = _measure(client, "/queue/")
    entries, votes = QueueEntry.objects.count(), Vote.objects.count()
    print(f"queue page (median of {ROUNDS}, same run; {entries} entries, {votes} votes):")
    print(f"  {'trivial view (/healthz)':28} {base_ms:7.1f} ms  {'':16} {base_queries:3d} queries")
    for label, (ms, n) in (
        (f"queue, {FIRST} entries", small),
        (f"queue, {entries} entries", large),
    ):
        print(f"  {label:28} {ms:7.1f} ms  {ms / base_ms:5.1f}x trivial  {n:3d} queries")
    flat = "yes" if small[1] == large[1] else "NO"
    print(f"  queries flat from {FIRST} to {entries} entries: {flat}")
    print(f"  time at {entries} / at {FIRST}: {large[0] / small[0]:.2f}x")
    return members


def measure_concurrent_votes(members) -> None:
    from django.db import connections

    from apps.links.services import link_for_pasted_url
    from apps.papers import queue
    from apps.papers.models import QueueEntry, Vote
    from apps.papers.services import paper_for_link

    paper = paper_for_link(link_for_pasted_url("https://arxiv.org/abs/2612.00001"))
    voters = members[MEMBERS : MEMBERS + CONCURRENT]
    start = threading.Barrier(len(voters))
    errors: list[BaseException] = []

    def vote(member) -> None:
        try:
            start.wait(timeout=30)
            queue.vote_paper(paper=paper, member=member, on=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(m,)) for m in voters]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    seconds = time.perf_counter() - started
    entries = QueueEntry.objects.filter(paper=paper)
    counted = Vote.objects.filter(entry__in=entries).count()
    print(
        f"{CONCURRENT} simultaneous votes on one paper: {counted} counted, "
        f"{entries.count()} queue entry, {len(errors)} errors, {seconds:.2f} s"
    )
    for error in errors[:3]:
        print(f"  error: {error!r}")
    print(f"  each counted exactly once: {'yes' if counted == CONCURRENT and not errors else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--votes", type=int, default=50_000)
    args = add_database_arguments(parser).parse_args()
    with throwaway_database(args, label="bench_queue") as vendor:
        from django.conf import settings

        settings.DEBUG = False
        print(
            f"queue bench on {vendor}: {MEMBERS} members, {args.entries} entries, "
            f"{args.votes} votes"
        )
        members = measure_page(args)
        measure_concurrent_votes(members)


if __name__ == "__main__":
    main()
