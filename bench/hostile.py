"""Hostile input replayed: every URL pattern with hostile path and query values, and malformed
JSON archives; prints what was tried, how many answered 500 (or crashed), and the slowest.

    uv run python bench/hostile.py [--postgres] [--slowest 5]

The URL corpus is tests/hostile.py's (the one tests/core/test_hostile_urls.py asserts on), as
an anonymous visitor (BOARD_PUBLIC_READ on, so the views are reached), a member and an
organizer. The baseline is the same run's all-valid URLs (no hostile value): their median and
slowest beside the hostile ones'. Goals: 0 × 500, no request over 1 s, every bad archive
refused (ArchiveError / CommandError), none crashing. Last, the attack run's notes files
(2 MB of `<`, a 2 MB line of `- - … x`, 110,000 remark lines, 20,000 presenter blocks) through
the importer beside a normal 50 kB export, timing a visitor's requests meanwhile.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import add_database_arguments, throwaway_database

SLOW_SECONDS = 1.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def replay_urls(show: int) -> bool:
    from django.test import Client, override_settings

    from tests import factories
    from tests.hostile import STAFF, replay, world

    valid = world()
    member, organizer, staff = Client(), Client(), Client()
    member.force_login(factories.MemberFactory(handle="bench-member"))
    organizer.force_login(factories.MemberFactory(handle="bench-organizer", is_organizer=True))
    staff.force_login(
        factories.MemberFactory(
            handle="bench-staff", is_organizer=True, is_staff=True, is_superuser=True
        )
    )
    clients = {"anonymous": Client(), "member": member, "organizer": organizer, STAFF: staff}
    started = time.perf_counter()
    with override_settings(DEBUG=False, BOARD_PUBLIC_READ=True):
        report = replay(clients, valid)
    wall = time.perf_counter() - started

    baseline = [o for o in report.outcomes if not o.probe.hostile]
    hostile = [o for o in report.outcomes if o.probe.hostile]
    statuses: dict[int, int] = {}
    for o in report.outcomes:
        statuses[o.status // 100 * 100] = statuses.get(o.status // 100 * 100, 0) + 1
    print(
        f"urls     {len(report.outcomes):,} requests in {wall:.1f} s "
        f"({len(baseline)} all-valid, {len(hostile):,} hostile); anonymous, member, "
        "organizer, and staff for the admin"
    )
    print("statuses " + "  ".join(f"{k // 100}xx {v:,}" for k, v in sorted(statuses.items())))
    print(f"500s     {len(report.failures)}")
    for o in report.failures[:show]:
        print(f"         {o.probe.role} {o.probe.method} {o.probe.url[:100]} → {o.error}")
    print(f"{'':9}{'median':>12}{'slowest':>12}")
    for label, group in (("valid", baseline), ("hostile", hostile)):
        times = [o.seconds for o in group]
        print(f"{label:9}{_ms(statistics.median(times)):>12}{_ms(max(times)):>12}")
    slowest = sorted(report.outcomes, key=lambda o: o.seconds, reverse=True)[:show]
    print("slowest")
    for o in slowest:
        probe = o.probe
        print(f"  {_ms(o.seconds):>10}  {o.status}  {probe.role} {probe.method} {probe.url[:90]}")
    ratio = statistics.median(o.seconds for o in hostile) / statistics.median(
        o.seconds for o in baseline
    )
    print(f"ratio    {ratio:.2f}× (hostile median / valid median)")
    over = [o for o in report.outcomes if o.seconds > SLOW_SECONDS]
    print(
        f"goal     0 × 500: {'yes' if not report.failures else 'no'}   "
        f"no request over {SLOW_SECONDS:.0f} s: {'yes' if not over else f'no ({len(over)})'}"
    )
    return not report.failures


def replay_archives() -> bool:
    from django.core.management import CommandError, call_command
    from django.db import transaction

    from apps.accounts.models import User
    from apps.archive.archive_json import ArchiveError, archive_export, archive_import
    from apps.meetings.models import Meeting
    from tests.hostile import HOSTILE_ARCHIVE_FILES, HOSTILE_ARCHIVES

    exported = json.dumps(archive_export())
    rows: list[tuple[str, str, float]] = []

    class Rollback(Exception):
        pass

    def attempt(label: str, run) -> None:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                run()
                raise Rollback
        except Rollback:
            outcome = "accepted"
        except (ArchiveError, CommandError) as exc:
            outcome = "refused: " + str(exc).splitlines()[0][:70]
        except Exception as exc:  # a crash is what this replay looks for
            outcome = f"CRASH {type(exc).__name__}: {str(exc)[:60]}"
        rows.append((label, outcome, time.perf_counter() - started))

    # A restore needs an empty board: the URL replay is done, so the throwaway database is
    # emptied; each attempt below runs in a transaction that is rolled back.
    call_command("flush", interactive=False, verbosity=0)
    attempt("the valid export (baseline)", lambda: archive_import(data=json.loads(exported)))
    for label, change in HOSTILE_ARCHIVES:

        def run(change=change):
            data = json.loads(exported)
            change(data)
            archive_import(data=data)

        attempt(label, run)
    with tempfile.TemporaryDirectory() as folder:
        for label, text in HOSTILE_ARCHIVE_FILES:
            path = Path(folder) / "archive.json"
            path.write_bytes(text.encode("utf-8", "surrogateescape"))
            attempt(label, lambda path=path: call_command("import_archive", str(path)))
    kept = User.objects.exists() or Meeting.objects.exists()

    crashed = [r for r in rows if r[1].startswith("CRASH")]
    wrongly_accepted = [r for r in rows[1:] if r[1] == "accepted"]
    print(
        f"\narchives {len(rows) - 1} malformed + the valid export ({len(exported):,} bytes of JSON)"
    )
    for label, outcome, seconds in rows:
        print(f"  {_ms(seconds):>10}  {label:32} {outcome}")
    slowest = max(rows[1:], key=lambda r: r[2])
    print(f"slowest  {slowest[0]}: {_ms(slowest[2])} (valid export: {_ms(rows[0][2])})")
    print(
        f"goal     every one refused: {'yes' if not wrongly_accepted else 'no'}   "
        f"no crash: {'yes' if not crashed else f'no ({len(crashed)})'}   "
        f"nothing kept: {'no' if kept else 'yes'}"
    )
    return not crashed and not wrongly_accepted and not kept


def _notes_files() -> list[tuple[str, str]]:
    """The notes files of the attack run, and a normal export of about 50 kB as the baseline."""
    head = "2025-03-28 機械学習勉強会\n\n今週のTOPIC\n\n"

    def block(n: int, notes: str) -> str:
        return f"@Member {n} (p{n})\n\n[blog] 話題 {n}\n\n{notes}\n\n"

    bullets = "".join(f"  • 要点 {i}: 位置バイアスと再ランキング\n" for i in range(12))
    normal = head + "".join(block(n, bullets) for n in range(60))
    return [
        ("normal export (baseline)", normal),
        ("2 MB of <", head + block(1, "  • " + "<" * 2_000_000)),
        ("a 2 MB line of - - … x", head + block(1, "- " * 1_000_000 + "x")),
        ("110,000 remark lines", head + block(1, "".join("[p1] いいね\n" for _ in range(110_000)))),
        ("20,000 presenter blocks", head + "".join(block(n, "  • メモ") for n in range(20_000))),
    ]


def replay_imports() -> bool:
    """Each notes file through the importer (as the worker runs it), while another thread
    times the login page: no request may take over 1 s while an import runs."""
    import threading

    from django.core.management import call_command
    from django.test import Client

    from apps.archive.importer import import_notes

    call_command("flush", interactive=False, verbosity=0)
    rows: list[tuple[str, int, str, float]] = []
    waits: list[float] = []
    running = threading.Event()
    running.set()

    def visitor() -> None:
        client = Client()
        while running.is_set():
            started = time.perf_counter()
            client.get("/accounts/login/")
            waits.append(time.perf_counter() - started)
            time.sleep(0.05)

    thread = threading.Thread(target=visitor, daemon=True)
    thread.start()
    try:
        for label, text in _notes_files():
            data = text.encode()
            started = time.perf_counter()
            report = import_notes(
                data=data, name="notes.txt", dry_run=label != "normal export (baseline)"
            )
            seconds = time.perf_counter() - started
            first = next((p.message for p in report.problems if p.level != "info"), "")
            rows.append((label, len(data), f"{report.status or 'refused'} {first[:60]}", seconds))
    finally:
        running.clear()
        thread.join(timeout=10)
    print("\nnotes imports (as the worker runs them; a visitor loads the login page meanwhile)")
    for label, size, outcome, seconds in rows:
        print(f"  {_ms(seconds):>10}  {label:26} {size:>11,} bytes  {outcome}")
    slowest_wait = max(waits, default=0.0)
    within = all(seconds <= 60 for *_rest, seconds in rows)
    print(
        f"visitor  {len(waits)} requests during the imports, slowest {_ms(slowest_wait)}, "
        f"median {_ms(statistics.median(waits)) if waits else '-'}"
    )
    print(
        f"goal     no request over 1 s: {'yes' if slowest_wait <= SLOW_SECONDS else 'no'}   "
        f"every file done in 60 s: {'yes' if within else 'no'}"
    )
    return slowest_wait <= SLOW_SECONDS and within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slowest", type=int, default=5, help="how many slowest requests to list")
    args = add_database_arguments(parser).parse_args()
    with throwaway_database(args, label="bench_hostile") as vendor:
        print(f"database {vendor}")
        replay_urls(args.slowest)
        replay_archives()
        replay_imports()


if __name__ == "__main__":
    main()
