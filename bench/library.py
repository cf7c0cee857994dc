"""Paper library benchmark: import of members' collections, the paper page, related papers.

    uv run python bench/library.py [--papers 20000] [--notes 50000] [--postgres [URL]]

1. Generates collections in the three formats (bench/library_data.py) and imports them all as
   one member, beside a baseline of decoding and parsing the same files. Goal: ≤ 30 s.
2. The paper page's server time and queries for a paper met once and one met 30 times
   (30 meetings, each topic with remarks), beside a trivial view in the same run: the query
   count must stay flat.
3. Related papers for the whole library: the precomputation's time, and precision@5 against
   shared tags held out from the scorer, beside a random and a title-only baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import add_database_arguments, throwaway_database
from library_data import generate

ROUNDS = 15


def _median_ms(run, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def timed(module, name: str, spent: dict[str, float], label: str) -> None:
    """Add the wall time of every call of module.name to spent[label]."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(module, name, wrapper)


def measure_import(files: dict[str, str]) -> None:
    from apps.accounts.services import member_create
    from apps.papers import services
    from apps.papers.importer import import_library
    from apps.papers.library_formats import parse_library
    from apps.papers.models import LibraryNote, Paper
    from apps.search import indexing

    data = {name: text.encode() for name, text in files.items()}
    started = time.perf_counter()
    for name, text in files.items():
        parse_library(text, name=name)
    parse_only = time.perf_counter() - started

    member = member_create(handle="bench", display_name="Bench")
    spent = {"render": 0.0, "index": 0.0}
    timed(services, "library_note_html", spent, "render")
    timed(indexing, "index_library_notes", spent, "index")
    started, cpu = time.perf_counter(), time.process_time()
    refused = []
    for name, raw in data.items():
        report = import_library(raw, name=name, author=member)
        if report.refused:
            refused.append((name, report.problems[:3]))
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    megabytes = sum(len(raw) for raw in data.values()) / 1024 / 1024
    print(
        f"import: {len(files)} files ({megabytes:.1f} MB), "
        f"{Paper.objects.count()} papers, {LibraryNote.objects.count()} notes"
    )
    print(f"  baseline, parse only: {parse_only:7.2f} s")
    print(
        f"  import (parse + write): {total:7.2f} s ({total / parse_only:.1f}x the parse), "
        f"CPU of this process {cpu:.1f} s"
    )
    rows = total - spent["render"] - spent["index"]
    print(
        f"  of which: rendering the notes' Markdown {spent['render']:6.2f} s, "
        f"search index (on commit) {spent['index']:6.2f} s, "
        f"parsing, reading, matching and writing rows {rows:6.2f} s"
    )
    print(f"  goal: at most 30 s — {'met' if total <= 30 else 'NOT met'}")
    if refused:
        print(f"  refused files: {refused}")


def measure_paper_page() -> None:
    from django.db import connection
    from django.test import Client

    from apps.accounts.models import User
    from apps.meetings.services import meeting_create
    from apps.papers.models import Paper
    from apps.topics.services import remark_create, topic_create

    viewer = User.objects.get(handle="bench")
    client = Client()
    client.force_login(viewer)

    def met(times: int, arxiv_id: str, first: dt.date) -> Paper:
        for week in range(times):
            meeting = meeting_create(date=first + dt.timedelta(weeks=week))
            topic = topic_create(
                meeting=meeting,
                presenter=viewer,
                kind="paper",
                title=f"発表 {week}",
                url=f"https://arxiv.org/abs/{arxiv_id}",
                notes="- 要点\n    - 実験設定\n- 感想",
            )
            for n in range(3):
                remark_create(author=viewer, topic=topic, body=f"コメント {n}")
        return Paper.objects.get(key=f"arxiv:{arxiv_id}")

    once = met(1, "2601.00001", dt.date(2029, 1, 5))
    often = met(30, "2601.00002", dt.date(2030, 1, 4))
    rows = []
    for label, url in (
        ("trivial view (/healthz)", "/healthz"),
        ("paper page, met once", once.get_absolute_url()),
        ("paper page, met 30 times", often.get_absolute_url()),
    ):
        assert client.get(url).status_code == 200
        executed: list[str] = []

        def count(run, sql, *args, executed=executed):
            executed.append(sql)
            return run(sql, *args)

        # Counted at the driver: the request signals reset Django's own query log.
        with connection.execute_wrapper(count):
            client.get(url)
        rows.append((label, _median_ms(lambda url=url: client.get(url)), len(executed)))
    base = rows[0][1]
    print(f"paper page (median of {ROUNDS}, same run):")
    for label, ms, n in rows:
        print(f"  {label:28} {ms:7.1f} ms  {ms / base:5.1f}x trivial  {n:3d} queries")
    print(f"  queries flat from 1 to 30 encounters: {'yes' if rows[1][2] == rows[2][2] else 'NO'}")


def measure_related() -> None:
    from apps.papers.neighbours import library_docs, related_refresh
    from apps.papers.related_eval import precision_at_k, random_baseline, title_only_baseline

    started = time.perf_counter()
    docs = library_docs()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    updated = related_refresh()
    total = time.perf_counter() - started
    print(f"related papers: {updated} papers")
    print(f"  reading the library's text: {loaded:6.2f} s")
    print(f"  precomputation, scoring and storing every paper's five: {total:6.2f} s")
    scored = precision_at_k(docs, k=5)
    title = title_only_baseline(docs, k=5)
    chance = random_baseline(docs, k=5)
    print("  precision@5 against held-out shared tags (tags hidden from the scorer):")
    print(f"    scorer {scored:.3f}   title-only {title:.3f}   random {chance:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--notes", type=int, default=50_000)
    args = add_database_arguments(parser).parse_args()
    files = generate(papers=args.papers, notes=args.notes, seed=1)
    with throwaway_database(args, label="bench_library") as vendor:
        from django.conf import settings

        settings.DEBUG = False
        print(f"library bench on {vendor}: {args.papers} papers, {args.notes} notes")
        measure_import(files)
        measure_related()
        measure_paper_page()


if __name__ == "__main__":
    main()
