"""Board page benchmark: one realistic meeting, served through the whole Django stack.

Builds a meeting with 12 presenters, 30 topics, 150 remarks and a 40,000-character deep dive,
then times GET /meetings/<date>/ against a trivial view returning the very same bytes through
the same middleware (sessions, auth, login-required). Machines are noisy; the ratio is the figure.

    uv run python bench/board.py                 # throwaway SQLite file
    uv run python bench/board.py --postgres      # throwaway database on 127.0.0.1:5432

Goals (from the issue): at most 12 queries, board median within 3x the trivial view's.
Missing a goal is reported, not an error: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import random
import statistics
import time
from dataclasses import dataclass

from _setup import add_database_arguments, throwaway_database

PRESENTERS = 12
LISTENERS = 8  # members who only leave remarks
TOPICS = 30
REMARKS = 150
DEEP_DIVE_REMARKS = 10  # of the REMARKS, the ones left on the main topic
DEEP_DIVE_CHARS = 40_000
MEETING_DATE = dt.date(2025, 3, 28)
QUERY_GOAL = 12
RATIO_GOAL = 3.0
TRIVIAL_PATH = "/bench/trivial/"

# The benchmark's own urlconf (the app's, plus the baseline view), filled in by
# install_baseline() once Django is set up; installed with override_settings(ROOT_URLCONF=...).
urlpatterns: list = []


# --------------------------------------------------------------------------------------------
# Text shaped like the group's notes (../shared/samples/notes-export-2025-03-28.txt).
# --------------------------------------------------------------------------------------------

MEMBERS = [
    ("naoto", "Naoto Shimakoshi"), ("shun", "Shun Ito"), ("qluto", "Ryosuke Fukazawa"),
    ("yosuke", "Yosuke Yoshida"), ("fr", "Takumi Iida"), ("pon", "Kana Ponda"),
    ("haru", "Haruka Mori"), ("ken", "Kenji Ota"), ("yui", "Yui Nakamura"),
    ("sato", "Kenta Sato"), ("mika", "Mika Tanaka"), ("riku", "Riku Watanabe"),
    ("aoi", "Aoi Suzuki"), ("tomo", "Tomoya Kato"), ("emi", "Emi Kobayashi"),
    ("daichi", "Daichi Yamamoto"), ("saki", "Saki Inoue"), ("kaz", "Kazuki Hayashi"),
    ("nana", "Nana Shimizu"), ("jun", "Jun Matsumoto"),
]  # fmt: skip

TERMS = [
    "RAG", "LLM", "拡散モデル", "Transformer", "KVキャッシュ", "量子化", "FP8", "LoRA", "MoE",
    "リランカー", "埋め込み", "強化学習", "蒸留", "推薦モデル", "Structured Generation",
    "スケーリング則", "Attention", "エージェント", "長期記憶", "音声認識", "画像生成",
    "ベクトル検索", "トークナイザ", "投機的デコーディング", "RLHF", "DPO", "評価指標", "合成データ",
]  # fmt: skip

CODE = [
    "`torch.compile`", "`vllm serve`", "`bf16`", "`top_k=50`", "`pip install memray`",
    "`model.generate()`", "`--max-model-len 32768`", "`flash_attn`", "`jq`", "`asyncio.gather`",
]  # fmt: skip

SENTENCES = [
    "{t}の性能悪化をもたらすバイアスを紹介",
    "{t}は普段使っているけど、中で何をしているのか気になったのでPick",
    "{t}と{u}を組み合わせると推論コストが{n}%下がる",
    "従来の{t}は固定的な粒度で情報を扱うため、意味的な区切りと一致しない",
    "{c} を使うと{t}の実験がかなり楽になる",
    "{u}のベンチマークで{t}を{n}ポイント上回った",
    "詳細は謎でみんな様々な予想をしている",
    "2024年に{t}ベースの手法が一気に増えた",
    "Scaling behavior of {t} is close to a power law up to {n}B parameters",
    "The authors release code and weights; {c} reproduces the main table",
    "{t}のボトルネックはメモリ帯域で、計算量ではない",
    "社内の{u}基盤にも入れられそう",
    "実装は {c} を呼ぶだけで、設定は{n}行程度",
    "絶対時間と相対時間を別々に扱って{t}に時間情報を入れている",
    "{t}の評価は LLM-as-a-Judge で人手評価との相関が0.{n}",
]  # fmt: skip

REMARKS_TEXT = [
    "めちゃ速い", "これ社内でも試したい", "{c} との比較が気になる",
    "スケーリング則どうなってるんだろう",
    "{t}と組み合わせると良さそう", "論文の Table 3 が面白い", "前に読んだ{t}の話と繋がった",
    "実装が公開されてるのありがたい", "評価データが小さいのが少し気になる", "+1", "わかりやすい！",
    "これ前回 @{h} さんが紹介してたやつの続編？", "GPUメモリ何GBで動きます？", "再現してみます",
    "数式の導出、あとで教えてください", "{t}の限界もちゃんと書いてあるのが良い",
]  # fmt: skip

TITLES = {
    "paper": [
        "{T}: Scaling {t} to Million-Token Contexts", "{t}による{u}の効率化",
        "On the Limits of {t}", "Reflective Memory Management for {t}", "{t} Is Not All You Need",
    ],
    "blog": [
        "{t}を支える技術 {n}", "{t}の検索性能を90%も低下させる落とし穴", "LLMに{t}をさせる仕組み",
        "{t}とGemini-2.0の{u}はいかにして作られているのか", "{t}入門: {u}から実運用まで",
    ],
    "oss": ["{T}", "{T} — {t}のためのライブラリ", "{T}: fast {t} in Rust"],
}  # fmt: skip

OSS_NAMES = ["Memray", "xgrammar", "vLLM", "llama.cpp", "DuckDB", "Outlines", "SGLang", "uv"]
HOSTS = {
    "paper": "https://arxiv.org/abs/25{n:02d}.{m:05d}",
    "blog": "https://zenn.dev/{h}/articles/{m:x}",
    "oss": "https://github.com/{h}/{T}",
}

SECTIONS = [
    "Introduction", "Related Work", "Problem Formulation", "Framework Overview",
    "Prospective Reflection", "Retrospective Reflection", "Experimental Setup",
    "Experimental Results", "Ablation Study", "Analysis", "Limitations", "Conclusion",
    "所感", "議論メモ",
]  # fmt: skip

SUBSECTIONS = [
    "背景", "従来手法の問題点", "提案手法", "メモリバンク", "リトリーバー", "リランカーの設計",
    "報酬設計", "使用データセットと評価指標", "比較対象手法", "Main Results",
    "Effect of Different LLMs", "Effect of Different Granularities", "計算コスト", "疑問点",
]  # fmt: skip


class Writer:
    """Seeded text generator: the same seed gives the same board, byte for byte."""

    def __init__(self, rng: random.Random, handles: list[str]) -> None:
        self.rng = rng
        self.handles = handles

    def fill(self, template: str) -> str:
        rng = self.rng
        t, u = rng.sample(TERMS, 2)
        return template.format(
            t=t,
            u=u,
            T=rng.choice(OSS_NAMES),
            c=rng.choice(CODE),
            h=rng.choice(self.handles),
            n=rng.randint(1, 99),
            m=rng.randint(1, 99_999),
        )

    def sentence(self) -> str:
        return self.fill(self.rng.choice(SENTENCES))

    def paragraph(self, sentences: int) -> str:
        return "。".join(self.sentence() for _ in range(sentences)) + "。"

    def bullets(self, top: int) -> list[str]:
        """Two levels, the way members type them: 2-space indentation."""
        lines = []
        for _ in range(top):
            lines.append(f"- {self.sentence()}")
            lines.extend(f"  - {self.sentence()}" for _ in range(self.rng.randint(0, 3)))
        return lines

    def table(self) -> list[str]:
        rows = [
            f"| {self.rng.choice(TERMS)} | {self.rng.randint(50, 99)}.{self.rng.randint(0, 9)} "
            f"| {self.rng.choice(['○', '×', '△'])} |"
            for _ in range(self.rng.randint(3, 6))
        ]
        return ["| 手法 | スコア | 公開 |", "| --- | ---: | :---: |", *rows]

    def notes(self) -> str:
        lines = self.bullets(self.rng.randint(3, 7))
        if self.rng.random() < 0.2:  # a table now and then
            lines += ["", *self.table()]
        if self.rng.random() < 0.3:
            lines += ["", f"参考: {self.fill(HOSTS['blog'])}"]
        return "\n".join(lines)

    def title(self, kind: str) -> str:
        return self.fill(self.rng.choice(TITLES[kind]))

    def url(self, kind: str) -> str:
        return self.fill(HOSTS[kind])

    def remark(self) -> str:
        return self.fill(self.rng.choice(REMARKS_TEXT))

    def deep_dive(self, target_chars: int) -> str:
        """Markdown with many ## / ### headings (a large TOC), paragraphs, lists and tables."""
        parts = ["Agent の長期記憶手法に関するGoogleらの論文。", "## サマリー", self.paragraph(4)]
        # Sections share the target evenly; each fills up with ### subsections until its share.
        share = target_chars / len(SECTIONS)
        for number, section in enumerate(SECTIONS, start=1):
            parts += [f"## {number}. {section}", self.paragraph(3)]
            names = iter(self.rng.sample(SUBSECTIONS, len(SUBSECTIONS)))
            while len("\n\n".join(parts)) < number * share:
                parts += [f"### {next(names)}", self.paragraph(self.rng.randint(2, 4))]
                parts.append("\n".join(self.bullets(self.rng.randint(2, 5))))
                if self.rng.random() < 0.25:
                    parts.append("\n".join(self.table()))
        return "\n\n".join(parts)


# --------------------------------------------------------------------------------------------
# Data, written through the services like every other write in the app.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    presenters: int
    topics: int
    remarks: int
    deep_dive_chars: int
    headings: int


def build_meeting(seed: int):
    from apps.accounts.services import member_create
    from apps.deepdives.services import deep_dive_set
    from apps.meetings.services import meeting_create
    from apps.topics.services import remark_create, topic_create

    rng = random.Random(seed)
    writer = Writer(rng, [handle for handle, _ in MEMBERS])
    members = [
        member_create(handle=handle, display_name=name)
        for handle, name in MEMBERS[: PRESENTERS + LISTENERS]
    ]
    presenters = members[:PRESENTERS]
    meeting = meeting_create(date=MEETING_DATE)

    # Every presenter gets one topic, the rest go to random presenters (some bring 3 or 4).
    owners = presenters + [rng.choice(presenters) for _ in range(TOPICS - PRESENTERS)]
    rng.shuffle(owners)
    topics = []
    for presenter in owners:
        kind = rng.choices(["paper", "blog", "oss"], weights=[4, 5, 2])[0]
        topics.append(
            topic_create(
                meeting=meeting,
                presenter=presenter,
                kind=kind,
                title=writer.title(kind),
                url=writer.url(kind),
                notes=writer.notes(),
            )
        )

    body = writer.deep_dive(DEEP_DIVE_CHARS)
    deep_dive = deep_dive_set(
        meeting=meeting,
        presenter=presenters[0],
        title="In Prospect and Retrospect: Reflective "
        "Memory Management for Long-term Personalized Dialogue Agents",
        paper_url="https://arxiv.org/abs/2503.08026",
        body=body,
    )

    for i in range(REMARKS):
        target = rng.choice(topics) if i >= DEEP_DIVE_REMARKS else None
        presenter_id = target.block.presenter_id if target else deep_dive.presenter_id
        # Remarks come from the other members, never from the one presenting.
        author = rng.choice([m for m in members if m.pk != presenter_id])
        remark_create(
            author=author,
            body=writer.remark(),
            topic=target,
            deep_dive=None if target else deep_dive,
        )

    headings = sum(line.startswith(("## ", "### ")) for line in body.splitlines())
    shape = Shape(len({o.pk for o in owners}), len(topics), REMARKS, len(body), headings)
    viewer = members[-1]  # a listener, not an organizer: the common reader
    return meeting, viewer, shape


# --------------------------------------------------------------------------------------------
# Measuring.
# --------------------------------------------------------------------------------------------


def install_baseline() -> dict[str, object]:
    """The app's URLs plus a view that only returns the bytes put in the returned dict."""
    from django.http import HttpResponse
    from django.urls import include, path

    baseline: dict[str, object] = {"body": b"", "content_type": "text/html; charset=utf-8"}

    def trivial(request):
        return HttpResponse(baseline["body"], content_type=baseline["content_type"])

    urlpatterns[:] = [
        path(TRIVIAL_PATH.strip("/") + "/", trivial),
        path("", include("config.urls")),
    ]
    return baseline


def get_ok(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200: check the setup")
    return response


def time_pages(client, urls: list[str], *, iterations: int, warmup: int) -> dict[str, list[float]]:
    """Seconds per request, per URL. Interleaved, so machine noise hits both pages alike."""
    for _ in range(warmup):
        for url in urls:
            get_ok(client, url)
    times: dict[str, list[float]] = {url: [] for url in urls}
    for i in range(iterations):
        # Alternate who goes first, so neither page always runs on a warmer cache.
        for url in urls if i % 2 == 0 else urls[::-1]:
            start = time.perf_counter()
            response = client.get(url)
            times[url].append(time.perf_counter() - start)
            assert response.status_code == 200
    return times


def time_cold(client, url: str, *, iterations: int) -> list[float]:
    """The board as the first viewer after a change sees it: its cached body emptied first."""
    from django.core.cache import cache

    times = []
    for _ in range(iterations):
        cache.clear()
        start = time.perf_counter()
        get_ok(client, url)
        times.append(time.perf_counter() - start)
    return times


def captured_queries(client, url: str, *, cold: bool = False) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if cold:
        from django.core.cache import cache

        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return queries.captured_queries


def profile(client, url: str, requests: int = 50) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


def database_label(vendor: str) -> str:
    from django.db import connection

    if vendor == "postgresql":
        version = connection.cursor().connection.info.server_version  # e.g. 150020
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return f"SQLite {connection.Database.sqlite_version}"


# --------------------------------------------------------------------------------------------
# Report.
# --------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def yes_no(ok: bool) -> str:
    return "yes" if ok else "no"


def report(rows: dict[str, tuple[list[float], int, int]]) -> None:
    print(f"{'page':<8} {'median':>9} {'p95':>9} {'queries':>8} {'bytes':>10}")
    for name, (samples, queries, size) in rows.items():
        print(
            f"{name:<8} {ms(statistics.median(samples)):>9} {ms(p95(samples)):>9} "
            f"{queries:>8} {size:>10,}"
        )
    board, trivial, cold = (statistics.median(rows[k][0]) for k in ("board", "trivial", "cold"))
    ratio = board / trivial
    print(
        f"ratio    {ratio:.2f}× "
        "(board median / trivial median; the board's body comes from the cache)"
    )
    print(
        f"cold     {cold / trivial:.2f}× "
        f"(first view after a change: body rendered, {rows['cold'][1]} queries)"
    )
    worst_queries = max(rows["board"][1], rows["cold"][1])
    print(
        f"goal     queries ≤ {QUERY_GOAL}: {yes_no(worst_queries <= QUERY_GOAL)}"
        f"   board ≤ {RATIO_GOAL:g}× trivial: {yes_no(ratio <= RATIO_GOAL)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    parser.add_argument("--seed", type=int, default=20250328, help="seed for the generated data")
    parser.add_argument("--sql", action="store_true", help="also print the board's SQL")
    parser.add_argument("--profile", action="store_true", help="also cProfile 50 board requests")
    args = add_database_arguments(parser).parse_args()

    with throwaway_database(args, label="bench_board") as vendor:
        from django.test import Client, override_settings

        meeting, viewer, shape = build_meeting(args.seed)
        client = Client()
        client.force_login(viewer)
        board_url = meeting.get_absolute_url()

        # DEBUG off: with it on every query is logged and the board pays for that.
        baseline = install_baseline()
        with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
            page = get_ok(client, board_url)
            baseline.update(body=page.content, content_type=page["Content-Type"])
            assert get_ok(client, TRIVIAL_PATH).content == page.content

            times = time_pages(
                client, [board_url, TRIVIAL_PATH], iterations=args.iterations, warmup=args.warmup
            )
            cold_times = time_cold(client, board_url, iterations=args.iterations)
            cold_sql = captured_queries(client, board_url, cold=True)
            board_sql = captured_queries(client, board_url)
            trivial_sql = captured_queries(client, TRIVIAL_PATH)
            profile_text = profile(client, board_url) if args.profile else ""

        print(
            f"data     {shape.presenters} presenters, {shape.topics} topics, {shape.remarks} "
            f"remarks ({DEEP_DIVE_REMARKS} on the deep dive), deep dive {shape.deep_dive_chars:,} "
            f"chars / {shape.headings} headings; seed {args.seed}"
        )
        print(
            f"database {database_label(vendor)}; {args.iterations} requests per page after "
            f"{args.warmup} warm-up, interleaved; GET {board_url}"
        )
        report(
            {
                "board": (times[board_url], len(board_sql), len(page.content)),
                "trivial": (times[TRIVIAL_PATH], len(trivial_sql), len(page.content)),
                "cold": (cold_times, len(cold_sql), len(page.content)),
            }
        )
        if args.sql:
            print("\n".join(f"  {q['sql'][:200]}" for q in board_sql))
        if profile_text:
            print(profile_text)


if __name__ == "__main__":
    main()
