"""Search benchmark: the app's archive search beside a plain substring scan, in the same run.

    uv run python bench/search.py                  # PostgreSQL at 127.0.0.1 (throwaway database)
    uv run python bench/search.py --sqlite         # the embedded default
    uv run python bench/search.py --topics 20000   # a quicker, smaller archive

It generates a 10-year archive with mixed Japanese/English text shaped like the sample notes,
common and rare terms: 500 weekly meetings holding 100k topics (~69k remarks) and a main topic
each, plus 500 special sessions in the same years (Tuesdays, "…特別回") that hold only a main
topic. A meeting has at most one deep dive (the model's rule), so 1,000 deep dives take 1,000
meetings. It builds the index with `rebuild_index`, then runs a query set by class
(1-character, 2-character and long Japanese, English, mixed, AND, with filters). For each class
it prints p50/p95 of the app's full search (total, facets, ranked page of 20, snippets) and of
a LIKE/ILIKE scan of the board's tables that returns every match, the recall against the scan,
the index build time and the index size.

Recall is measured on what a user can reach: every query's pages are followed from the first
to the last (`--page-check` hits per page), so a large result, whose total and facets are
estimates, must still lead to every match. "paged" is the share of the matching entries that
paging reached, each once; "est." how many queries of the class showed an estimated total.
"vs scan" compares the reached hits with the raw LIKE hits; "checked" first drops scan hits
that are not matches in the app's sense (an English query is a whole word: `rag` inside
`storage` is a LIKE hit, not a word match). For Japanese queries both are plain substring
matching.

Data is written with bulk_create, straight into the tables: it bypasses the services (no
Markdown rendering of notes, no per-row index updates) because 170k service calls would take
longer than the benchmark. Deep dives get their HTML rendered, as the index reads headings from it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import DEFAULT_POSTGRES_URL, add_database_arguments, throwaway_database

# ---------------------------------------------------------------------------------------------
# Vocabulary: common words (every note uses some), mid-frequency and rare terms.
# ---------------------------------------------------------------------------------------------

JA_COMMON = [
    "モデル",
    "学習",
    "推論",
    "データ",
    "評価",
    "精度",
    "損失",
    "パラメータ",
    "トークン",
    "埋め込み",
    "検索",
    "手法",
    "実験",
    "論文",
    "性能",
    "計算",
    "速度",
    "結果",
    "提案",
    "課題",
    "改善",
    "比較",
    "生成",
    "入力",
    "出力",
    "構造",
    "設定",
    "分布",
    "確率",
    "重み",
]
JA_MID = [
    "推薦",
    "強化学習",
    "拡散モデル",
    "量子化",
    "蒸留",
    "注意機構",
    "事前学習",
    "微調整",
    "スケーリング則",
    "バイアス",
    "長期記憶",
    "対話",
    "エージェント",
    "画像生成",
    "音声認識",
    "分散学習",
    "最適化",
    "正則化",
    "過学習",
    "汎化",
    "ベンチマーク",
    "リランカー",
    "要約",
    "翻訳",
    "字句解析",
    "文脈自由言語",
    "正則言語",
    "オートマトン",
    "知識蒸留",
    "自己回帰",
    "マルチモーダル",
    "報酬設計",
    "状態空間モデル",
    "継続学習",
    "連合学習",
    "因果推論",
    "異常検知",
    "時系列",
]
JA_RARE = [
    "紅鮭",
    "ホログラフィック",
    "暗黙微分",
    "位相幾何",
    "鏡像降下",
    "双曲埋め込み",
    "群同変",
    "最適輸送",
    "神経常微分方程式",
    "確率的丸め",
    "蝶形変換",
    "半環",
    "準ニュートン",
    "陰関数定理",
    "凸緩和",
    "劣モジュラ",
]
EN_COMMON = [
    "LLM",
    "model",
    "training",
    "inference",
    "dataset",
    "benchmark",
    "latency",
    "throughput",
    "GPU",
    "memory",
    "token",
    "embedding",
    "retrieval",
    "agent",
    "prompt",
    "context",
    "evaluation",
    "loss",
    "scaling",
    "attention",
]
EN_MID = [
    "RAG",
    "Transformer",
    "GPT-4o",
    "Gemini",
    "Claude",
    "LoRA",
    "FlashAttention",
    "vLLM",
    "PyTorch",
    "JAX",
    "CUDA",
    "FP8",
    "BERT",
    "CLIP",
    "ViT",
    "MoE",
    "RLHF",
    "DPO",
    "reranker",
    "quantization",
    "distillation",
    "pruning",
    "sparsity",
    "tokenizer",
    "Mamba",
    "Llama",
    "Mistral",
    "DeepSeek",
    "Qwen",
    "JSON",
    "storage",
    "average",
    "leverage",
    "fragrant",
]
EN_RARE = [
    "Zamba",
    "Hyena",
    "Memray",
    "Triton",
    "Pallas",
    "Orbax",
    "Hypernetwork",
    "Perceiver",
    "Chinchilla",
    "Griffin",
]
JA_VERBS = [
    "を提案",
    "を改善",
    "が課題",
    "を比較",
    "を検証",
    "が重要",
    "を可視化",
    "が速い",
    "が遅い",
    "を削減",
]
JA_GLUE = ["の", "で", "と", "による", "に対する", "を用いた", "における"]
ENDINGS = ["。", "。", "らしい。", "している。", "できる。", "が気になる。", "という話。"]
REMARKS = [
    "めちゃ速い",
    "これは面白い",
    "実装が気になる",
    "社内でも試したい",
    "再現できるか怪しい",
    "前に読んだ論文と似てる",
    "{t}の話は前回も出た",
    "{t}使ってみた",
    "{t}が効くのは意外",
    "詳しく聞きたい",
]
FIRST = [
    "Naoto",
    "Shun",
    "Takumi",
    "Ryosuke",
    "Yosuke",
    "Kenta",
    "Fumika",
    "Haruka",
    "Kenji",
    "Yui",
    "Sota",
    "Riku",
    "Hana",
    "Aoi",
    "Ren",
    "Mei",
]
LAST = [
    "Shimakoshi",
    "Ito",
    "Iida",
    "Fukazawa",
    "Yoshida",
    "Sato",
    "Ryu",
    "Mori",
    "Ota",
    "Nakamura",
    "Suzuki",
    "Tanaka",
    "Kato",
    "Abe",
    "Ono",
]


def _zipf_pick(rng: random.Random, words: list[str]) -> str:
    # Earlier words are more frequent: weight 1/(rank + 1).
    return rng.choices(words, weights=_ZIPF[len(words)])[0]


_ZIPF = {n: [1 / (r + 1) for r in range(n)] for n in range(1, 200)}


def _theme(rng: random.Random) -> list[str]:
    """What a topic is about: one or two subject terms it repeats (Zipf over ~70 subjects,
    so the most common is in a few percent of topics), sometimes a rare one."""
    themes = [_zipf_pick(rng, JA_MID + EN_MID)]
    if rng.random() < 0.4:
        themes.append(_zipf_pick(rng, EN_MID + JA_MID))
    if rng.random() < 0.01:
        themes.append(rng.choice(JA_RARE + EN_RARE))
    return themes


def _term(rng: random.Random, themes: list[str]) -> str:
    roll = rng.random()
    if roll < 0.30:
        return rng.choice(themes)
    if roll < 0.33:
        return _zipf_pick(rng, JA_MID + EN_MID)  # an aside on another subject
    if roll < 0.50:
        return _zipf_pick(rng, EN_COMMON)
    return _zipf_pick(rng, JA_COMMON)


def _sentence(rng: random.Random, themes: list[str]) -> str:
    parts = [_term(rng, themes)]
    for _ in range(rng.randint(1, 3)):
        parts.append(rng.choice(JA_GLUE))
        parts.append(_term(rng, themes))
    text = "".join(parts) + rng.choice(JA_VERBS)
    if rng.random() < 0.3:
        text += f"({rng.randint(2, 99)}%)"
    return text + rng.choice(ENDINGS)


def _notes(rng: random.Random, themes: list[str]) -> str:
    lines = []
    for _ in range(rng.randint(4, 10)):
        depth = rng.choice([0, 0, 1, 1, 2])
        lines.append("  " * depth + "• " + _sentence(rng, themes))
    return "\n".join(lines)


def _title(rng: random.Random, kind: str, themes: list[str]) -> str:
    if kind == "paper":
        return f"{themes[0]} for {rng.choice(EN_COMMON).title()} {rng.choice(EN_COMMON)}"
    return f"{themes[0]}{rng.choice(JA_GLUE)}{_term(rng, themes)}{rng.choice(JA_VERBS)}"


def _url(rng: random.Random, kind: str, i: int) -> str:
    if kind == "paper":
        return (
            f"https://arxiv.org/abs/{rng.randint(15, 25):02d}{rng.randint(1, 12):02d}"
            f".{rng.randint(1, 19999):05d}"
        )
    if kind == "oss":
        return f"https://github.com/org{i % 500}/repo{i}"
    return f"https://example.com/blog/{i}"


def _deep_dive_body(rng: random.Random, themes: list[str]) -> str:
    sections = [
        "Introduction",
        "Related Work",
        "Problem Formulation",
        "提案手法",
        "実験設定",
        "実験結果",
        "考察",
        "まとめ",
    ]
    out = [_sentence(rng, themes)]
    for n, heading in enumerate(sections, 1):
        out.append(f"\n## {n}. {heading}\n")
        for _ in range(rng.randint(3, 6)):
            out.append(_sentence(rng, themes) + _sentence(rng, themes))
        out.append("\n".join("- " + _sentence(rng, themes) for _ in range(rng.randint(2, 5))))
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Generation: bulk_create, bypassing the services (see the module docstring).
# ---------------------------------------------------------------------------------------------


def generate(args) -> dict[str, int]:
    from django.conf import settings

    from apps.accounts.models import User
    from apps.core.markdown import render_markdown
    from apps.deepdives.models import DeepDive
    from apps.meetings.models import Meeting, PresenterBlock
    from apps.topics.models import Remark, Topic

    rng = random.Random(args.seed)
    batch = 5000
    members = User.objects.bulk_create(
        [
            User(
                username=f"m{i}",
                handle=f"m{i}",
                display_name=f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}",
                password="!",  # noqa: S106 - an unusable password: nobody logs in
            )
            for i in range(args.members)
        ]
    )
    first_day = dt.date(2016, 1, 8)  # a Friday: the weekly meetings
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                date=first_day + dt.timedelta(weeks=i),
                title=f"{rng.choice(JA_MID)}特集回" if rng.random() < 0.05 else settings.GROUP_NAME,
                guidance="",
                status=Meeting.Status.HELD,
            )
            for i in range(args.meetings)
        ],
        batch_size=batch,
    )
    # Special sessions on Tuesdays in the same years, spread evenly over the weeks: a main
    # topic each and no topic cards. A meeting has at most one deep dive, so the archive's
    # 1,000 deep dives need 1,000 meetings.
    weeks = max(args.meetings, args.special_sessions)
    special = Meeting.objects.bulk_create(
        [
            Meeting(
                date=first_day + dt.timedelta(weeks=i * weeks // args.special_sessions, days=4),
                title=f"{rng.choice(JA_MID + EN_MID)}特別回",
                guidance="",
                status=Meeting.Status.HELD,
            )
            for i in range(args.special_sessions)
        ],
        batch_size=batch,
    )
    per_meeting = max(1, args.topics // args.meetings)
    presenters_per_meeting = min(len(members), 20)
    blocks = PresenterBlock.objects.bulk_create(
        [
            PresenterBlock(meeting=meeting, presenter=person, position=p)
            for meeting in meetings
            for p, person in enumerate(rng.sample(members, presenters_per_meeting))
        ],
        batch_size=batch,
    )
    kinds = ["paper", "blog", "blog", "oss"]
    topics = []
    topic_themes = []
    i = 0
    for b, block in enumerate(blocks):
        # Spread the topics of a meeting over its presenters.
        count = per_meeting // presenters_per_meeting + (
            1 if b % presenters_per_meeting < per_meeting % presenters_per_meeting else 0
        )
        for position in range(count):
            kind = rng.choice(kinds)
            themes = _theme(rng)
            topic_themes.append(themes)
            topics.append(
                Topic(
                    block_id=block.pk,
                    kind=kind,
                    title=_title(rng, kind, themes),
                    url=_url(rng, kind, i),
                    notes=_notes(rng, themes),
                    position=position,
                )
            )
            i += 1
    topics = Topic.objects.bulk_create(topics, batch_size=batch)
    remarks = []
    for topic, themes in zip(topics, topic_themes, strict=True):
        for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
            text = rng.choice(REMARKS).format(t=_term(rng, themes))
            remarks.append(Remark(topic_id=topic.pk, author=rng.choice(members), body=text))
    deep_dives = []
    deep_dive_themes = []
    for meeting in meetings + special:
        themes = _theme(rng)
        deep_dive_themes.append(themes)
        body = _deep_dive_body(rng, themes)
        rendered = render_markdown(body, with_toc=True)
        deep_dives.append(
            DeepDive(
                meeting=meeting,
                presenter=rng.choice(members),
                title=_title(rng, "paper", themes),
                paper_url=_url(rng, "paper", 0),
                body=body,
                body_html=rendered.html,
                toc_html=rendered.toc_html,
            )
        )
    deep_dives = DeepDive.objects.bulk_create(deep_dives, batch_size=500)
    for deep_dive, themes in zip(deep_dives, deep_dive_themes, strict=True):
        for _ in range(2):
            remarks.append(
                Remark(
                    deep_dive_id=deep_dive.pk,
                    author=rng.choice(members),
                    body=rng.choice(REMARKS).format(t=_term(rng, themes)),
                )
            )
    Remark.objects.bulk_create(remarks, batch_size=batch)
    return {
        "members": len(members),
        "meetings": len(meetings),
        "special_sessions": len(special),
        "topics": len(topics),
        "remarks": len(remarks),
        "deep_dives": len(deep_dives),
    }


# ---------------------------------------------------------------------------------------------
# The query set and the baseline scan.
# ---------------------------------------------------------------------------------------------

QUERIES = [
    ("ja 1 char", ["学", "推", "鮭", "速", "幾"]),
    ("ja 2 chars", ["推薦", "蒸留", "対話", "精度", "翻訳"]),
    (
        "ja long",
        ["スケーリング則", "強化学習", "文脈自由言語", "神経常微分方程式", "報酬設計を検証"],
    ),
    ("english", ["transformer", "FlashAttention", "latency", "RAG", "Memray"]),
    ("mixed", ["RAGの性能", "LLMの推論", "LoRAを用いた", "GPT-4oと", "vLLMで"]),
    (
        "and",
        [
            "LoRA 微調整",
            "推薦 バイアス",
            "RAG 検索 リランカー",
            "量子化 FP8",
            "Mamba 状態空間モデル",
        ],
    ),
    (
        "filters",
        [
            "推薦 kind:論文",
            "学習 by:m3",
            "蒸留 after:2024-01-01",
            "in:remark 速い",
            "検索 kind:blog -RAG before:2020-01-01",
        ],
    ),
]


def _concat(*columns: str) -> str:
    return " || ' ' || ".join(columns)


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def scan(query, vendor: str) -> set[tuple[str, int]]:
    """Every topic, remark and deep dive matching the query, by LIKE/ILIKE over the tables."""
    from django.db import connection

    from apps.accounts.models import User
    from apps.deepdives.models import DeepDive
    from apps.meetings.models import Meeting, PresenterBlock
    from apps.topics.models import Remark, Topic

    like = "ILIKE" if vendor == "postgresql" else "LIKE"
    presenter_ids = []
    if query.handles:
        presenter_ids = list(
            User.objects.filter(handle__in=query.handles).values_list("pk", flat=True)
        ) or [-1]
    tables = {
        "topic": Topic._meta.db_table, "remark": Remark._meta.db_table,
        "deepdive": DeepDive._meta.db_table, "block": PresenterBlock._meta.db_table,
        "meeting": Meeting._meta.db_table,
    }  # fmt: skip

    def where(text: str, kind: str, person: str) -> tuple[str, list]:
        sql, params = [], []
        for term in query.terms:
            sql.append(f"{text} {like} %s ESCAPE '\\'")
            params.append(_like(term.text))
        for term in query.excluded:
            sql.append(f"NOT {text} {like} %s ESCAPE '\\'")
            params.append(_like(term.text))
        if query.kinds:
            sql.append(f"{kind} IN ({', '.join(['%s'] * len(query.kinds))})")
            params += query.kinds
        if presenter_ids:
            sql.append(f"{person} IN ({', '.join(['%s'] * len(presenter_ids))})")
            params += presenter_ids
        if query.after:
            sql.append("m.date >= %s")
            params.append(query.after)
        if query.before:
            sql.append("m.date < %s")
            params.append(query.before)
        return " AND ".join(sql) or "1=1", params

    statements = []
    sources = set(query.sources or ["topic", "remark", "deepdive"])
    if "topic" in sources:
        w, p = where(_concat("t.title", "t.notes", "t.url"), "t.kind", "b.presenter_id")
        statements.append(
            (
                "t",
                f"SELECT t.id FROM {tables['topic']} t "  # noqa: S608
                f"JOIN {tables['block']} b ON b.id = t.block_id "
                f"JOIN {tables['meeting']} m ON m.id = b.meeting_id "
                f"WHERE t.deleted_at IS NULL AND {w}",
                p,
            )
        )
    if "remark" in sources:
        w, p = where("r.body", "COALESCE(t.kind, 'paper')", "r.author_id")
        statements.append(
            (
                "r",
                f"SELECT r.id FROM {tables['remark']} r "  # noqa: S608
                f"LEFT JOIN {tables['topic']} t ON t.id = r.topic_id "
                f"LEFT JOIN {tables['block']} b ON b.id = t.block_id "
                f"LEFT JOIN {tables['deepdive']} d ON d.id = r.deep_dive_id "
                f"JOIN {tables['meeting']} m ON m.id = COALESCE(b.meeting_id, d.meeting_id) "
                f"WHERE (t.id IS NULL OR t.deleted_at IS NULL) AND {w}",
                p,
            )
        )
    if "deepdive" in sources:
        w, p = where(_concat("d.title", "d.paper_url", "d.body"), "'paper'", "d.presenter_id")
        statements.append(
            (
                "d",
                f"SELECT d.id FROM {tables['deepdive']} d "  # noqa: S608
                f"JOIN {tables['meeting']} m ON m.id = d.meeting_id WHERE {w}",
                p,
            )
        )
    found = set()
    with connection.cursor() as cursor:
        for tag, sql, params in statements:
            cursor.execute(sql, params)
            found.update((tag, row[0]) for row in cursor.fetchall())
    return found


def reached_by_paging(query, per_page: int) -> tuple[list[int], set[int]]:
    """The entry ids a user reaches by following "next" from page 1 (in order), and the ids of
    every matching entry: paging must reach them all, each once, estimated totals or not."""
    from apps.search.selectors import matching_entries, ranked_page, sections_of_whole_deep_dives

    sections = sections_of_whole_deep_dives(query) if len(query.terms) > 1 else None
    matching = set(matching_entries(query, sections=sections).values_list("id", flat=True))
    reached = []
    for number in range(1, len(matching) // per_page + 3):  # a bound, should paging never end
        page = ranked_page(query, page=number, per_page=per_page)
        if page.number != number:  # past the end: the last page again
            break
        reached += page.ids
        if page.number >= page.paginator.num_pages:
            break
    return reached, matching


def objects_of(entry_ids: list[int]) -> set[tuple[str, int]]:
    """The topics, remarks and deep dives those index entries stand for."""
    from apps.search.models import SearchEntry

    found = set()
    rows = SearchEntry.objects.filter(id__in=entry_ids).values_list(
        "source", "topic_id", "remark_id", "deep_dive_id"
    )
    for source, topic_id, remark_id, deep_dive_id in rows.iterator(chunk_size=10_000):
        if source == "remark":
            found.add(("r", remark_id))
        elif source == "topic":
            found.add(("t", topic_id))
        else:
            found.add(("d", deep_dive_id))
    return found


def checked(query, hits: set[tuple[str, int]]) -> set[tuple[str, int]]:
    """The scan hits that match in the app's sense (words whole, Japanese as substrings)."""
    from apps.core.tokenizer import normalize, tokenize_spans
    from apps.deepdives.models import DeepDive
    from apps.topics.models import Remark, Topic

    texts: dict[tuple[str, int], str] = {}
    ids = {tag: [i for t, i in hits if t == tag] for tag in "trd"}
    for pk, title, notes, url in Topic.objects.filter(pk__in=ids["t"]).values_list(
        "pk", "title", "notes", "url"
    ):
        texts[("t", pk)] = f"{title}\n{notes}\n{url}"
    for pk, body in Remark.objects.filter(pk__in=ids["r"]).values_list("pk", "body"):
        texts[("r", pk)] = body
    for pk, title, url, body in DeepDive.objects.filter(pk__in=ids["d"]).values_list(
        "pk", "title", "paper_url", "body"
    ):
        texts[("d", pk)] = f"{title}\n{url}\n{body}"
    keep = set()
    for key, text in texts.items():
        tokens = tokenize_spans(normalize(text))
        if all(t.phrase.spans(tokens) for t in query.terms) and not any(
            t.phrase.spans(tokens) for t in query.excluded
        ):
            keep.add(key)
    return keep


# ---------------------------------------------------------------------------------------------
# Measuring.
# ---------------------------------------------------------------------------------------------


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def measure(args, vendor: str) -> None:
    from django.conf import settings
    from django.db import connection

    from apps.search.backends import get_backend
    from apps.search.query import parse_query
    from apps.search.rebuild import rebuild_index
    from apps.search.selectors import search

    settings.DEBUG = False  # no query log while measuring
    started = time.perf_counter()
    counts = generate(args)
    generated = time.perf_counter() - started
    stats = rebuild_index(batch_size=2000, fast=True)
    if vendor == "postgresql":
        # What autovacuum does soon after a bulk load; measured searches see the settled table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_entry")
    size = get_backend().index_size()
    gin = source = 0
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(sum(pg_relation_size(i.indexrelid)), 0) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE i.indrelid = 'search_entry'::regclass AND a.amname = 'gin'"
            )
            gin = cursor.fetchone()[0]
            cursor.execute(
                "SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(%s::text[]) AS t",
                [["topics_topic", "topics_remark", "deepdives_deepdive"]],
            )
            source = cursor.fetchone()[0]

    print(f"database: {vendor} {connection.pg_version if vendor == 'postgresql' else ''}".rstrip())
    print(
        "archive: {meetings} weekly meetings with {topics} topics, {special_sessions} special "
        "sessions with only a main topic, {deep_dives} deep dives (one per meeting), {remarks} "
        "remarks, {members} members (generated in {t:.0f}s)".format(t=generated, **counts)
    )
    print(
        f"index: {stats.entries} entries built in {stats.seconds:.1f}s "
        f"(rebuild_search_index --fast); size {size / 2**20:.0f} MiB"
        + (
            f" (GIN indexes {gin / 2**20:.0f} MiB; the board's own tables {source / 2**20:.0f} MiB)"
            if gin
            else ""
        )
    )
    print(
        f"timing: {args.reps} runs per query after one warm-up; app = full search "
        f"(total + facets + ranked page of 20 + snippets); scan = every match by LIKE\n"
    )

    header = (
        f"{'class':<11} {'app p50':>8} {'app p95':>8} {'scan p50':>9} {'scan p95':>9} "
        f"{'speedup':>8} "
        f"{'recall':>7} {'checked':>8} {'paged':>6} {'est.':>4}  hits (app / scan)"
    )
    print(header)
    print("-" * len(header))
    worst_p95, worst_speed, worst_recall, worst_paged = 0.0, float("inf"), 1.0, 1.0
    details = []
    for label, queries in QUERIES:
        app_t, scan_t, recalls, checked_recalls, paged, sizes = [], [], [], [], [], []
        estimated = 0
        for q in queries:
            query = parse_query(q)
            search(query)
            scan(query, vendor)
            for _ in range(args.reps):
                t0 = time.perf_counter()
                results = search(query)
                app_t.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                scan(query, vendor)
                scan_t.append(time.perf_counter() - t0)
            estimated += results.approximate
            # Recall of what paging reaches, not of a query the page never runs.
            reached, matching = reached_by_paging(query, args.page_check)
            unique = set(reached)
            whole = len(unique) == len(reached) and unique == matching
            paged.append(
                len(unique & matching) / len(matching) if matching and whole else float(whole)
            )
            app_hits, scan_hits = objects_of(reached), scan(query, vendor)
            good = checked(query, scan_hits)
            recalls.append(len(app_hits & scan_hits) / len(scan_hits) if scan_hits else 1.0)
            checked_recalls.append(len(app_hits & good) / len(good) if good else 1.0)
            sizes.append(f"{len(app_hits)}/{len(scan_hits)}")
            details.append(
                (
                    label,
                    q,
                    f"{_ms(app_t[-args.reps :])[0]:.1f}ms",
                    f"{_ms(scan_t[-args.reps :])[0]:.1f}ms",
                    f"{'~' if results.approximate else ''}{results.total}",
                    len(app_hits),
                    len(scan_hits),
                    len(good),
                    len(app_hits - scan_hits),
                )
            )
        a50, a95 = _ms(app_t)
        s50, s95 = _ms(scan_t)
        speed = s50 / a50
        worst_p95, worst_speed = max(worst_p95, a95), min(worst_speed, speed)
        worst_recall = min(worst_recall, *checked_recalls)
        worst_paged = min(worst_paged, *paged)
        print(
            f"{label:<11} {a50:7.1f}ms {a95:7.1f}ms {s50:8.1f}ms {s95:8.1f}ms {speed:7.0f}× "
            f"{min(recalls):7.3f} {min(checked_recalls):8.3f} {min(paged):6.3f} "
            f"{estimated:2}/{len(queries)}"
            f"  {' '.join(sizes)}"
        )
    print(
        f"\nworst class: app p95 {worst_p95:.1f} ms, speedup {worst_speed:.0f}× (p50), "
        f"checked recall {worst_recall:.3f}, paged {worst_paged:.3f}"
    )
    met = worst_p95 <= 50 and worst_speed >= 20 and worst_recall == 1.0 and worst_paged == 1.0
    print(
        f"goal (p95 ≤ 50 ms, ≥ 20× the scan, recall 1.000, every match reachable): "
        f"{'met' if met else 'NOT met'}"
    )
    if args.verbose:
        print(
            "\nper query: class | query | app p50 | scan p50 | total shown (~ estimated) | "
            "app objects | scan hits | checked scan hits | app-only"
        )
        for row in details:
            print(" | ".join(str(x) for x in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_database_arguments(parser)
    parser.add_argument("--sqlite", action="store_true", help="use a throwaway SQLite file instead")
    parser.add_argument("--topics", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=500, help="weekly meetings with topics")
    parser.add_argument(
        "--special-sessions",
        type=int,
        default=500,
        help="further meetings that hold only a main topic (deep dive)",
    )
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument(
        "--page-check",
        type=int,
        default=1000,
        metavar="N",
        help="page size for following every query's pages to the end (the paged column)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-v", "--verbose", action="store_true", help="print hit counts per query")
    args = parser.parse_args()
    if args.sqlite and (args.postgres or args.use_database_url):
        parser.error("--sqlite excludes --postgres and --use-database-url")
    if not args.sqlite and not args.use_database_url and not args.postgres:
        args.postgres = DEFAULT_POSTGRES_URL  # the figures are for PostgreSQL
    with throwaway_database(args, label="bench_search") as vendor:
        measure(args, vendor)


if __name__ == "__main__":
    main()
