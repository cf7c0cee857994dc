"""A small archive shaped like the real notes, written through the services and then indexed.

Labels name what a hit is: `T1` a topic, `R1` a remark, `D0` the deep dive's opening part and
`D1`… its sections. The same corpus and the same expectations run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from apps.search import indexing
from apps.search.query import parse_query
from apps.search.selectors import search
from apps.topics.models import Topic
from tests import factories

DEEP_DIVE_BODY = """Agent の長期記憶手法に関するGoogleらの論文

## 1. Introduction

LLMはオープンエンドな対話において高い性能を発揮する。

## 2. 提案手法

Retrospective Reflection では、リランカーをオンライン強化学習により更新する。

### リランカーの設計

Gumbelトリックを用いて Top-M を選ぶ。
"""


@dataclass
class Corpus:
    labels: dict[str, str] = field(default_factory=dict)  # anchor → label
    objects: dict[str, object] = field(default_factory=dict)  # label → topic/remark/deep dive

    def label(self, entry) -> str:
        return self.labels[f"{entry.meeting_date}#{entry.anchor}"]

    def hits(self, q: str, *, per_page: int = 100) -> list[str]:
        results = search(parse_query(q), per_page=per_page)
        return [self.label(hit.entry) for hit in results.hits]


def build_corpus() -> Corpus:
    corpus = Corpus()
    naoto = factories.MemberFactory(handle="naoto", display_name="Naoto Shimakoshi")
    shun = factories.MemberFactory(handle="shun", display_name="Shun Ito")
    fr = factories.MemberFactory(handle="fr", display_name="Takumi Iida")
    qluto = factories.MemberFactory(handle="qluto", display_name="Ryosuke Fukazawa")

    old = factories.meeting(date=dt.date(2024, 6, 7))
    special = factories.meeting(date=dt.date(2025, 1, 10), title="LLM特別回")
    new = factories.meeting(date=dt.date(2025, 3, 28))

    def topic(label, meeting, presenter, kind, title, notes, url=""):
        obj = factories.topic(
            meeting=meeting, presenter=presenter, kind=kind, title=title, notes=notes, url=url
        )
        corpus.objects[label] = obj
        corpus.labels[f"{meeting.date}#topic-{obj.pk}"] = label
        return obj

    def remark(label, on, author, body):
        if isinstance(on, Topic):
            obj = factories.remark(topic=on, author=author, body=body)
            date = on.block.meeting.date
        else:
            obj = factories.remark_create_on_deep_dive(deep_dive=on, author=author, body=body)
            date = on.meeting.date
        corpus.objects[label] = obj
        corpus.labels[f"{date}#remark-{obj.pk}"] = label
        return obj

    t1 = topic(
        "T1",
        new,
        shun,
        Topic.Kind.BLOG,
        "RAGの検索性能を90%も低下させるテキストの落とし穴",
        "- RAGの性能悪化をもたらすバイアスを紹介\n"
        "  - 位置バイアス: 回答となる情報が文章の先頭にあるほど類似度が高い\n"
        "  - 単語バイアス: 表記揺れ(US ↔ United States)",
    )
    t2 = topic(
        "T2",
        new,
        qluto,
        Topic.Kind.BLOG,
        "Foundation Model for Personalized Recommendation",
        "Netflixの推薦の最近。\n推薦問題をGPTのような next token prediction の問題と捉える。",
        url="https://netflixtechblog.com/foundation-model-for-personalized-recommendation-1a0bd8e02d39",
    )
    topic(
        "T3",
        new,
        fr,
        Topic.Kind.BLOG,
        "FP8 trainingを支える技術 1",
        "- スケーリングの設定\n- 量子化パラメータの推定タイミング\n"
        "- 注意: <script>alert('x')</script> は実行されない",
    )
    t4 = topic(
        "T4",
        special,
        naoto,
        Topic.Kind.PAPER,
        "Scaling Laws for Neural Language Models",
        "- スケーリング則: 損失はパラメータ数のべき乗則に従う\n"
        "- LLM の計算資源配分の話。強化学習は扱わない",
        url="https://arxiv.org/abs/2001.08361v1",
    )
    topic(
        "T5",
        old,
        fr,
        Topic.Kind.OSS,
        "Memray",
        "Bloombergが開発したPythonのメモリプロファイラ",
        url="https://github.com/bloomberg/memray",
    )
    topic(
        "T6",
        special,
        shun,
        Topic.Kind.OSS,
        "Pythonのプロファイラ比較",
        "py-spy と scalene を比べた",
        url="https://example.com/profilers/memray-vs-scalene",
    )
    topic(
        "T7",
        old,
        naoto,
        Topic.Kind.BLOG,
        "メモリリークの調べ方",
        "tracemalloc と memray の使い分け",
    )

    deep_dive = factories.deep_dive(
        meeting=new,
        presenter=naoto,
        title="In Prospect and Retrospect: Reflective Memory Management for Long-term "
        "Personalized Dialogue Agents",
        paper_url="https://arxiv.org/abs/2503.08026",
        body=DEEP_DIVE_BODY,
    )
    corpus.objects["D"] = deep_dive
    for label, anchor in [
        ("D0", "deep-dive"),
        ("D1", "h-1-introduction"),
        ("D2", "h-2-提案手法"),
        ("D3", "h-リランカーの設計"),
    ]:
        corpus.labels[f"{new.date}#{anchor}"] = label

    remark("R1", t1, fr, "位置バイアスはRerankerで緩和できそう")
    remark("R2", t2, naoto, "推薦の基盤モデルは運用コストが下がるのが良い")
    remark("R3", deep_dive, shun, "強化学習の報酬設計が気になる")
    remark("R4", t4, qluto, "ＬＬＭ でも同じ傾向?")
    remark("R5", t2, fr, "memray 使ってみた")

    for meeting in (old, special, new):
        indexing.index_meeting(meeting.pk)
    return corpus


@pytest.fixture
def corpus(db) -> Corpus:
    return build_corpus()
