"""Reorder vs board: server time of an agenda reorder (htmx POST → builder partial) and of the
agenda view, beside a full (cold) board render, on the benchmark meeting of bench/board.py.

    uv run python bench/agenda.py [--iterations 200] [--postgres]

Goal: a reorder under a tenth of a full render.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import add_database_arguments, throwaway_database

GOAL = 0.1


def timed(call) -> float:
    start = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20250328)
    args = add_database_arguments(parser).parse_args()

    with throwaway_database(args, label="bench_agenda") as vendor:
        from board import build_meeting
        from django.core.cache import cache
        from django.test import Client, override_settings
        from django.urls import reverse

        from tests.factories import MemberFactory

        meeting, _viewer, _shape = build_meeting(args.seed)
        client = Client()
        client.force_login(MemberFactory(handle="bench-organizer", is_organizer=True))
        move_url = reverse("meetings:agenda-move-block", args=[meeting.date])
        agenda_url = reverse("meetings:agenda", args=[meeting.date])
        block_ids = list(meeting.blocks.values_list("pk", flat=True))

        reorder, agenda_view, board = [], [], []
        with override_settings(DEBUG=False):
            for i in range(args.iterations):
                block = block_ids[i % len(block_ids)]
                data = {"block": block, "to_index": (i * 5) % len(block_ids)}
                reorder.append(
                    timed(lambda data=data: client.post(move_url, data, HTTP_HX_REQUEST="true"))
                )
                agenda_view.append(timed(lambda: client.get(agenda_url)))
                cache.clear()
                board.append(timed(lambda: client.get(meeting.get_absolute_url())))

        rows = {
            "reorder (partial)": reorder,
            "agenda view": agenda_view,
            "full board (cold)": board,
        }
        board_ms = statistics.median(board) * 1000
        print(
            f"database {vendor}; {args.iterations} rounds; {len(block_ids)} presenters, 30 topics"
        )
        print(f"{'request':<20} {'median':>9} {'p95':>9}  vs board")
        for name, samples in rows.items():
            median = statistics.median(samples) * 1000
            p95 = statistics.quantiles(samples, n=20, method="inclusive")[-1] * 1000
            print(f"{name:<20} {median:>6.1f} ms {p95:>6.1f} ms  {median / board_ms:.3f}")
        ratio = statistics.median(reorder) * 1000 / board_ms
        print(
            f"goal     reorder ≤ {GOAL:g} of a full render: "
            f"{'yes' if ratio <= GOAL else 'no'} ({ratio:.3f})"
        )


if __name__ == "__main__":
    main()
