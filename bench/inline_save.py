"""Inline save vs full board: server time and bytes of an htmx topic save (POST → card partial)
beside a full render of the same board, on the benchmark meeting of bench/board.py.

    uv run python bench/inline_save.py [--iterations 200] [--postgres]

The full board is measured cold (its cached body cleared first): that is what a save would
cost if it re-rendered the page. Goal: the partial at most a tenth of the page's bytes and time.

Two more figures from the same run show the floor under any save of this topic: a signed-in
request to a view that does nothing (sessions, auth, CSRF and the other middleware), and the
Markdown rendering plus bleach sanitizing of the saved notes, which a save must do to show them.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20250328)
    args = add_database_arguments(parser).parse_args()

    with throwaway_database(args, label="bench_inline") as vendor:
        import board
        from board import build_meeting
        from django.core.cache import cache
        from django.test import Client, override_settings
        from django.urls import reverse

        from apps.core.markdown import render_markdown
        from apps.topics.models import Topic

        meeting, _viewer, _shape = build_meeting(args.seed)
        topic = (
            Topic.objects.live()
            .filter(block__meeting=meeting)
            .select_related("block__presenter")
            .first()
        )
        client = Client()
        client.force_login(topic.block.presenter)
        board_url = meeting.get_absolute_url()
        save_url = reverse("topics:edit", args=[topic.pk])

        baseline = board.install_baseline()
        with override_settings(DEBUG=False, ROOT_URLCONF=board.__name__):
            save_times, save_bytes = [], 0
            board_times, board_bytes = [], 0
            nothing_times, render_times = [], []
            for i in range(args.iterations):
                topic.refresh_from_db()
                data = {
                    "kind": topic.kind,
                    "url": topic.url,
                    "title": topic.title,
                    "notes": f"{topic.notes.split('<!--')[0]}<!-- save {i} -->",
                    "version": topic.version,
                }
                start = time.perf_counter()
                response = client.post(save_url, data, HTTP_HX_REQUEST="true")
                save_times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
                save_bytes = len(response.content)

                cache.clear()
                start = time.perf_counter()
                response = client.get(board_url)
                board_times.append(time.perf_counter() - start)
                assert response.status_code == 200
                board_bytes = len(response.content)

                start = time.perf_counter()
                response = client.get(board.TRIVIAL_PATH)
                nothing_times.append(time.perf_counter() - start)
                assert response.status_code == 200

                start = time.perf_counter()
                render_markdown(data["notes"])
                render_times.append(time.perf_counter() - start)

        baseline["body"] = b""
        save_ms, board_ms = (
            statistics.median(save_times) * 1000,
            statistics.median(board_times) * 1000,
        )
        nothing_ms = statistics.median(nothing_times) * 1000
        render_ms = statistics.median(render_times) * 1000
        print(
            f"database {vendor}; {args.iterations} saves of one topic, "
            "each beside a cold board render"
        )
        print(f"{'request':<22} {'median':>9} {'bytes':>10}")
        print(f"{'inline save (partial)':<22} {save_ms:>7.1f} ms {save_bytes:>10,}")
        print(f"{'full board (cold)':<22} {board_ms:>7.1f} ms {board_bytes:>10,}")
        time_ratio, byte_ratio = save_ms / board_ms, save_bytes / board_bytes
        print(f"ratio    time {time_ratio:.3f}  bytes {byte_ratio:.3f}  (partial / page)")
        ok = time_ratio <= GOAL and byte_ratio <= GOAL
        print(f"goal     partial ≤ {GOAL:g} of the page in time and bytes: {'yes' if ok else 'no'}")
        print("floor under any save of this topic (same run):")
        print(
            f"  signed-in request to a view that does nothing {nothing_ms:>6.1f} ms  "
            f"{nothing_ms / board_ms:.3f} of the page"
        )
        print(
            f"  Markdown + bleach of the notes ({len(data['notes']):,} chars)  "
            f"{render_ms:>6.1f} ms  {render_ms / board_ms:.3f} of the page"
        )
        print(
            f"  together                                       {nothing_ms + render_ms:>6.1f} ms  "
            f"{(nothing_ms + render_ms) / board_ms:.3f} of the page"
        )


if __name__ == "__main__":
    main()
