"""Import ten years of weekly notes exports: 500 meetings in the shape of the real sample.

    uv run python bench/import.py              # throwaway SQLite in a temporary folder
    uv run python bench/import.py --postgres   # throwaway database on 127.0.0.1:5432

Generates the exports as files (five presenters, six topics with nested bullets, numbered
lists, paragraphs and remarks, a long main topic with numbered sections), then imports them one
by one as `manage.py import_notes` does. Prints the total and per-meeting time and the queries
per topic for the first and the last 50 meetings (the count must not grow with the archive),
beside a baseline measured in the same run: decoding and parsing the same files without the
database. The goal is all 500 meetings in at most 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from _setup import add_database_arguments, throwaway_database

WINDOW = 50

MEMBERS = [
    "Naoto Shimakoshi", "Shun Ito", "qluto (Ryosuke Fukazawa)", "Yosuke Yoshida",
    "Takumi Iida (frkake)", "Haruka Mori (haru)", "Kenji Ota (ken)", "Yui Nakamura (yui)",
    "Fumika Ryu (fr)", "Kenta Sato (sato)", "山田 太郎", "佐藤 花子", "Daisuke Kato",
    "Aya Suzuki (aya)", "Ryo Tanaka", "Mika Kobayashi (mika)", "Sho Watanabe", "Emi Ito (emi)",
]  # fmt: skip
HANDLES = ["haru", "ken", "yui", "fr", "sato", "aya", "mika", "emi", "frkake", "qluto"]
SUBJECTS = [
    "RAGの検索性能", "Structured Generation", "画像生成AI", "長期記憶エージェント", "FP8 training",
    "Mixture of Experts", "強化学習による推論", "量子化", "推薦の基盤モデル", "KVキャッシュ",
    "Speculative Decoding", "拡散モデル", "埋め込みモデル", "評価指標", "LLM-as-a-Judge",
]  # fmt: skip
PHRASES = [
    "について紹介されていた", "の性能が大きく改善したらしい",
    "を元にした実装解説がありイメージが湧く",
    "はスケーリング則が確認されている", "の設定が色々ある", "と比較すると速い",
    "が面白そうだったので Pick", "の詳細は謎でみんな様々な予想をしている",
]  # fmt: skip
OSS = ["Memray", "vLLM", "xgrammar", "outlines", "llama.cpp", "DuckDB", "Polars", "uv"]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)}{rng.choice(PHRASES)}"


def _notes(rng: random.Random) -> list[str]:
    lines = []
    if rng.random() < 0.2:  # a topic written as paragraphs first, like the sample's Netflix one
        lines += [_sentence(rng) + "。", _sentence(rng) + "。", " ", "要点はどこか?"]
    for _ in range(rng.randint(4, 7)):
        lines.append(f"  • {_sentence(rng)}")
        for _ in range(rng.randint(0, 3)):
            lines.append(f"    • {_sentence(rng)}")
            if rng.random() < 0.3:
                lines.append(f"      • {rng.choice(SUBJECTS)}")
        if rng.random() < 0.15:
            lines.append(f"    • [{rng.choice(HANDLES)}] {_sentence(rng)}")
    if rng.random() < 0.3:
        lines += [f"1. {rng.choice(SUBJECTS)}", f"1. {rng.choice(SUBJECTS)}"]
    if rng.random() < 0.3:
        lines += ["", f"[{rng.choice(HANDLES)}] {_sentence(rng)}"]
    return lines


def _long(rng: random.Random) -> str:
    return "、".join(_sentence(rng) for _ in range(rng.randint(2, 4))) + "。"


def _main_topic(rng: random.Random, week: int) -> list[str]:
    """About 4,000 characters in eight numbered sections, like the sample's main topic."""
    lines = ["メインTOPIC", "", f"{rng.choice(SUBJECTS)} for Long-term Agents ({week})", ""]
    lines += [f"{rng.choice(SUBJECTS)}に関する論文", "", "サマリー", ""]
    for number in range(1, 9):
        lines += [f"    {number}. Section {number}", "", f"    {_long(rng)}", " "]
        for _ in range(2):
            lines += [f"    {rng.choice(SUBJECTS)}"]
            for _ in range(rng.randint(1, 3)):
                lines += [f"    • {_long(rng)}", f"      • {_sentence(rng)}"]
            lines.append(" ")
        lines.append("")
    return lines


def export(rng: random.Random, date: dt.date, week: int) -> str:
    lines = [f"{date:%Y-%m-%d} 機械学習勉強会", "", "今週のTOPIC", ""]
    lines += ["※ [論文] [blog] など何に関するTOPICなのかパッと見で分かるようにしましょう。", ""]
    presenters = rng.sample(MEMBERS, 5)
    for index, presenter in enumerate(presenters):
        lines += [f"@{presenter}", ""]
        for count in range(2 if index == 0 else 1):  # six topics, like the sample
            kind = "oss" if index == 3 else rng.choice(["blog", "blog", "論文"])
            title = (
                rng.choice(OSS) if kind == "oss" else f"{rng.choice(SUBJECTS)}の技術 {week}-{count}"
            )
            lines += [f"[{kind}] {title}", "", *_notes(rng), ""]
    lines += _main_topic(rng, week)
    return "\n".join(lines) + "\n"


def generate(folder: Path, meetings: int) -> list[Path]:
    rng = random.Random(20250328)
    first = dt.date(2025, 3, 28) - dt.timedelta(weeks=meetings - 1)
    files = []
    for week in range(meetings):
        path = folder / f"notes-{week:03d}.txt"
        path.write_text(export(rng, first + dt.timedelta(weeks=week), week), encoding="utf-8")
        files.append(path)
    return files


def measure(files: list[Path], vendor: str) -> None:
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from apps.archive.importer import import_notes
    from apps.archive.notes_format import decode, parse
    from apps.deepdives.models import DeepDive
    from apps.topics.models import Topic

    settings.DEBUG = False
    data = [path.read_bytes() for path in files]

    started = time.perf_counter()
    for raw in data:
        parse(decode(raw)[0])
    parse_only = time.perf_counter() - started

    durations: list[float] = []
    cpu: list[float] = []  # this process only: steadier than wall time on a busy machine
    per_topic: dict[str, list[float]] = {"first": [], "last": []}
    per_row: dict[str, list[float]] = {"first": [], "last": []}
    started = time.perf_counter()
    for index, (path, raw) in enumerate(zip(files, data, strict=True)):
        window = "first" if index < WINDOW else "last" if index >= len(files) - WINDOW else None
        began, began_cpu = time.perf_counter(), time.process_time()
        if window:
            reset_queries()  # the query log keeps 9,000 entries; start each meeting empty
            with CaptureQueriesContext(connection) as captured:
                report = import_notes(data=raw, name=path.name)
        else:
            report = import_notes(data=raw, name=path.name)
        durations.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        if report.status != "created":
            raise SystemExit(f"{path.name}: {report.status} {report.problems}")
        if window:
            per_topic[window].append(len(captured) / report.count("created", "topic"))
            per_row[window].append(len(captured) / len(report.changes))
    total = time.perf_counter() - started

    topics = Topic.objects.count()
    main_topic = statistics.mean(len(b) for b in DeepDive.objects.values_list("body", flat=True))
    ms = [d * 1000 for d in durations]
    cpu_ms = [c * 1000 for c in cpu]
    print(
        f"import bench on {vendor}: {len(files)} meetings, {topics} topics, "
        f"main topics of {main_topic:.0f} characters on average"
    )
    print(
        f"  baseline, decode + parse only: {parse_only:7.2f} s  "
        f"({parse_only / len(files) * 1000:.1f} ms/meeting)"
    )
    print(f"  import (parse + write):        {total:7.2f} s  ({total / parse_only:.1f}x the parse)")
    print(
        f"  per meeting: mean {statistics.mean(ms):.1f} ms, median {statistics.median(ms):.1f} ms, "
        f"p95 {statistics.quantiles(ms, n=20)[18]:.1f} ms; "
        f"first {WINDOW} {statistics.mean(ms[:WINDOW]):.1f} ms, "
        f"last {WINDOW} {statistics.mean(ms[-WINDOW:]):.1f} ms"
    )
    print(
        f"  CPU of this process per meeting: "
        f"first {WINDOW} {statistics.mean(cpu_ms[:WINDOW]):.1f} ms, "
        f"last {WINDOW} {statistics.mean(cpu_ms[-WINDOW:]):.1f} ms, total {sum(cpu):.1f} s"
    )
    for label, values in (("topic", per_topic), ("row written", per_row)):
        print(
            f"  queries per {label}: first {WINDOW} {statistics.mean(values['first']):.1f}, "
            f"last {WINDOW} {statistics.mean(values['last']):.1f}"
        )
    print(f"  goal: all meetings in at most 60 s — {'met' if total <= 60 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--meetings", type=int, default=500, help="how many weekly exports (default 500)"
    )
    args = add_database_arguments(parser).parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        files = generate(Path(folder), args.meetings)
        with throwaway_database(args, label="bench_import") as vendor:
            measure(files, vendor)


if __name__ == "__main__":
    main()
