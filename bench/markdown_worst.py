"""Markdown worst cases: hostile shapes filled up to each field's limit, rendered as on save.

Every shape an attack run used to pin a process (thousands of headings, a long table, runs of
`<`, one line of `- - - … x`, …) and a few more, each grown to the field's character limit,
rendered with the same function a save uses. The baseline is a normal main topic of 40,000
characters (the board benchmark's generator) rendered in the same run. No database is needed.

    uv run python bench/markdown_worst.py            # 3 runs per case, median
    uv run python bench/markdown_worst.py --runs 5 --top 10

Goal (from the issue): every accepted input renders in under 1 s on this machine.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

GOAL_SECONDS = 1.0


def fill(unit: str, limit: int, *, head: str = "", tail: str = "") -> str:
    """`unit` repeated so that head + units + tail is at most `limit` characters."""
    return head + unit * ((limit - len(head) - len(tail)) // len(unit)) + tail


def numbered(template: str, limit: int) -> str:
    parts, size, n = [], 0, 0
    while True:
        part = template.format(n=n)
        if size + len(part) > limit:
            return "".join(parts)
        parts.append(part)
        size += len(part)
        n += 1


def shapes(limit: int) -> dict[str, str]:
    return {
        "headings": numbered("## 見出し {n}\n\n", limit),
        "same heading": fill("## A\n\n", limit),
        "table rows": fill("| 1 | x |\n", limit, head="| a | b |\n|---|---|\n"),
        "wide table": fill("|a", limit // 3)
        + "\n"
        + fill("|-", limit // 3)
        + "\n"
        + fill("|x", limit // 3),
        "`<` run": fill("<", limit),
        "`a<` run": fill("a<", limit),
        "`&` run": fill("&", limit),
        "`<` in code block": fill("<", limit - 8, head="```\n", tail="\n```"),
        "`- - … x` line": fill("- ", limit - 1, tail="x"),
        "`> > … x` line": fill("> ", limit - 1, tail="x"),
        "`1. 1. … x` line": fill("1. ", limit - 1, tail="x"),
        "`- > - > … x` line": fill("- > ", limit - 1, tail="x"),
        "list items": fill("- a\n", limit),
        "deep indentation": "".join(" " * (2 * i) + "- x\n" for i in range(limit // 400)),
        "paragraphs": fill("a\n\n", limit),
        "emphasis": fill("*a* ", limit),
        "links": fill("[a](b) ", limit),
        "brackets": fill("[", limit),
        "backticks": fill("`", limit),
        "dollars": fill("$a$ ", limit),
        "bare URLs": fill("https://a.jp/ ", limit),
        "nested <div>": fill("<div>", limit),
        "`<!--` run": fill("<!--", limit),
        "fences": fill("```\n", limit),
    }


def seconds(source: str, *, with_toc: bool, runs: int) -> float:
    from apps.core.markdown import render_markdown

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        render_markdown(source, with_toc=with_toc)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="renders per case (median)")
    parser.add_argument("--top", type=int, default=8, help="slowest cases listed per field")
    args = parser.parse_args()

    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)  # the fallbacks' one-line warnings are not figures

    from board import Writer

    from apps.core.markdown import limits

    normal = Writer(random.Random(20250328), ["fr", "haru", "ken"]).deep_dive(40_000)
    baseline = seconds(normal, with_toc=True, runs=args.runs)
    print(f"baseline  normal main topic, {len(normal):,} chars: {baseline:.3f} s", end=" ")
    print(f"(median of {args.runs})")
    fields = [
        ("main topic", limits.DEEP_DIVE_BODY_MAX_CHARS, True),
        ("topic notes", limits.TOPIC_NOTES_MAX_CHARS, False),
        ("library note", limits.LIBRARY_NOTE_MAX_CHARS, False),
        ("remark", limits.REMARK_MAX_CHARS, False),
    ]
    worst_overall = 0.0
    for field, limit, with_toc in fields:
        timed = [
            (seconds(source, with_toc=with_toc, runs=args.runs), kind, len(source))
            for kind, source in shapes(limit).items()
        ]
        timed.sort(reverse=True)
        worst_overall = max(worst_overall, timed[0][0])
        print(f"\n{field} (limit {limit:,} chars{', with TOC' if with_toc else ''})")
        print(f"  {'input':<22} {'chars':>8} {'seconds':>8} {'× normal':>9}")
        for took, kind, size in timed[: args.top]:
            print(f"  {kind:<22} {size:>8,} {took:>8.3f} {took / baseline:>8.1f}×")
    verdict = "yes" if worst_overall < GOAL_SECONDS else "no"
    print(f"\ngoal  every case under {GOAL_SECONDS:.0f} s: {verdict} (worst {worst_overall:.3f} s)")


if __name__ == "__main__":
    main()
