"""Demo data for a first run: a small group with three past meetings and the next one.

Everything is written through the services, exactly as members would write it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from apps.accounts.models import User
from apps.accounts.services import member_create
from apps.deepdives.services import deep_dive_set
from apps.links.metadata import Metadata
from apps.links.models import Link
from apps.links.resolvers.arxiv_search import Candidate
from apps.links.services import link_store_metadata
from apps.meetings.models import Meeting
from apps.meetings.services import absences_set, meeting_create, next_meeting_dates
from apps.papers import queue
from apps.papers.importer import import_library
from apps.papers.models import Paper, PaperMatch
from apps.papers.neighbours import related_refresh
from apps.papers.paper_matches import paper_match_claim, paper_match_suggest, paper_matches_queue
from apps.topics.models import Topic
from apps.topics.services import remark_create, topic_create, topic_mark_reached

DEMO_PASSWORD = "benkyokai"  # noqa: S105 - printed on screen for the local demo only


@dataclass(frozen=True)
class DemoMember:
    handle: str
    display_name: str
    is_organizer: bool = False


MEMBERS = [
    DemoMember("sato", "Kenta Sato", is_organizer=True),
    DemoMember("fr", "Fumika Ryu"),
    DemoMember("haru", "Haruka Mori"),
    DemoMember("ken", "Kenji Ota"),
    DemoMember("yui", "Yui Nakamura"),
]

# (presenter, kind, title, url, notes, [(remark author, remark)])
TOPICS = [
    (
        "haru",
        "blog",
        "LLMにJSONを出力させるStructured Generationの仕組み",
        "https://example.com/blog/structured-generation",
        """- JSONモードは普段使っているけど、中で何をしているのか気になったので Pick
- トークン候補そのものを文法で制約する手法が主流らしい
  - 正則言語なら DFA で「次に来てよい終端記号」を決められる
  - 文脈自由言語は構文木が必要で重い → 語彙マスクを前計算して高速化
- 流れ
  1. LLMの中間出力を字句解析
  1. 確定した終端記号を文法解析
  1. 次に続ける終端記号を列挙し、語彙マスクの和集合を取る
- `outlines` や `xgrammar` の実装を読むと分かりやすい""",
        [("fr", "xgrammar はマスク計算をほぼ前計算にしてて速い")],
    ),
    (
        "ken",
        "paper",
        "Attention Is All You Need",
        "https://arxiv.org/abs/1706.03762",
        """- 今さらだけど新人向けに読み直し
- Self-Attention: $\\mathrm{softmax}(QK^T / \\sqrt{d_k})V$
- 位置エンコーディングは sin/cos
  - 今は RoPE が主流

| 項目 | RNN | Transformer |
| --- | --- | --- |
| 並列化 | 難しい | 容易 |
| 長距離依存 | 弱い | 強い |""",
        [("yui", "RoPE との比較は次回やりたい")],
    ),
    (
        "yui",
        "oss",
        "Memray",
        "https://github.com/bloomberg/memray",
        """- Bloomberg が開発した Python のメモリプロファイラ
- 特徴
  - サンプリングせずすべての確保を追跡
  - C/C++ 拡張の中も見える
- 使い方
  - `memray run script.py` → `memray flamegraph`
  - live mode で実行中に観察できる""",
        [("haru", "学習スクリプトのメモリリーク調査に使えそう")],
    ),
    (
        "fr",
        "blog",
        "RAGの検索性能を下げるテキストの落とし穴",
        "https://example.com/blog/rag-bias",
        """- RAG の検索性能を落とすバイアスの紹介
  - 位置バイアス: 答えが文頭にあるほど類似度が高い
  - 単語バイアス: 表記揺れ (US ↔ United States) で類似度が大きく変わる
  - 文章量バイアス: 関係ない情報が混ざると下がる
- チャンク分割の前に正規化を入れるのが効きそう""",
        [("ken", "表記揺れは社内ドキュメントだと特にひどい"), ("sato", "次回の検証テーマ候補")],
    ),
    (
        "haru",
        "paper",
        "FP8 trainingを支える技術",
        "https://example.com/blog/fp8-training",
        """- 量子化を選択肢に入れられれば大きなモデルも検討できる
- FP8 は指数部・仮数部のビット数で種類がある
  - Forward: アクティベーション・重み → E4M3
  - Backward: 勾配 → E5M2
- スケーリングの決め方がいろいろある""",
        [],
    ),
    (
        "ken",
        "oss",
        "xgrammar",
        "https://github.com/mlc-ai/xgrammar",
        """- 上の Structured Generation の実装例
- CFG を扱えて、語彙マスクをキャッシュする""",
        [("fr", "vLLM のバックエンドにも入ってる")],
    ),
    (
        "yui",
        "blog",
        "Foundation Model for Personalized Recommendation",
        "https://example.com/blog/recsys-foundation-model",
        """推薦を next token prediction として捉える話。

- ユーザーの1つひとつの行動をトークンとして扱う
  - 行動の属性: 再生時間、デバイス、時刻
  - コンテンツの情報: ジャンル、国、言語
- 絶対時間と相対時間を別々に扱う""",
        [("haru", "推薦にも基盤モデルの流れが来ている")],
    ),
    (
        "fr",
        "paper",
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "https://arxiv.org/abs/2106.09685",
        """- 重みの差分を低ランク行列 $BA$ で表す
- 推論時はマージできるのでレイテンシが増えない
- r=8 でもフルファインチューニングに近い""",
        [],
    ),
]

DEEP_DIVES = [
    (
        "fr",
        "In Prospect and Retrospect: Reflective Memory Management for Long-term "
        "Personalized Dialogue Agents",
        "https://arxiv.org/abs/2503.08026",
        """Agent の長期記憶手法に関する論文。

## 1. Introduction

LLM は状態を保持しないため、過去の対話から有用な情報を取り出して
継続的にパーソナライズするのが難しい。

### 従来手法の問題点

1. 固定の粒度 (ターンやセッション) で記憶するため、意味的な区切りと合わない
1. 固定のリトリーバルは対話の多様さに追従できない

## 2. 提案手法: RMM

- **Prospective Reflection**: 対話をトピックごとに要約して記憶する
- **Retrospective Reflection**: 検索結果が役立ったかを強化学習で学ぶ

## 3. 実験

| データセット | 指標 | 改善 |
| --- | --- | --- |
| MSC | Recall@5 | +10% |
| LongMemEval | Acc | +5% |

## 4. 所感

記憶の粒度を学習で決めるのは筋が良い。社内の FAQ ボットにも応用できそう。""",
    ),
    (
        "haru",
        "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
        "https://arxiv.org/abs/2501.12948",
        """## 概要

強化学習だけで推論能力を引き出した R1-Zero と、少量のコールドスタートデータを加えた R1。

## GRPO

- 価値関数を使わず、グループ内の相対報酬で advantage を計算する
- 報酬は正解判定とフォーマットのルールベース

## 蒸留

小さなモデルへの蒸留でも推論能力が大きく伸びる。""",
    ),
]


# What the workers would fetch for the demo's links, so that the demo shows its cards even on
# a machine without internet access (the demo's blog URLs are made up).
def _paper(title, authors, category, names, published, abstract):
    return Metadata(
        title=title,
        authors=authors,
        site_name="arXiv",
        description=abstract,
        suggested_kind="paper",
        published=published,
        extra={
            "primary_category": category,
            "categories": list(names),
            "category_names": names,
            "published": published,
        },
    )


DEMO_CARDS = {
    "https://arxiv.org/abs/1706.03762": _paper(
        "Attention Is All You Need",
        ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"],
        "cs.CL",
        {"cs.CL": "Computation and Language", "cs.LG": "Machine Learning"},
        "2017-06-12",
        "The dominant sequence transduction models are based on complex recurrent or "
        "convolutional networks.",
    ),
    "https://arxiv.org/abs/2106.09685": _paper(
        "LoRA: Low-Rank Adaptation of Large Language Models",
        ["Edward J. Hu", "Yelong Shen", "Phillip Wallis"],
        "cs.CL",
        {"cs.CL": "Computation and Language", "cs.AI": "Artificial Intelligence"},
        "2021-06-17",
        "We propose Low-Rank Adaptation, which freezes the pre-trained model weights.",
    ),
    "https://arxiv.org/abs/2503.08026": _paper(
        "In Prospect and Retrospect: Reflective Memory Management for Long-term "
        "Personalized Dialogue Agents",
        ["Zhen Tan", "Jun Yan", "I-Hung Hsu"],
        "cs.CL",
        {"cs.CL": "Computation and Language"},
        "2025-03-11",
        "Large Language Models have made significant progress in open-ended dialogue.",
    ),
    "https://arxiv.org/abs/2501.12948": _paper(
        "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
        ["DeepSeek-AI"],
        "cs.CL",
        {"cs.CL": "Computation and Language", "cs.LG": "Machine Learning"},
        "2025-01-22",
        "We introduce our first-generation reasoning models, DeepSeek-R1-Zero and DeepSeek-R1.",
    ),
    "https://github.com/bloomberg/memray": Metadata(
        title="bloomberg/memray",
        site_name="GitHub",
        suggested_kind="oss",
        description="Memray is a memory profiler for Python",
        extra={
            "full_name": "bloomberg/memray",
            "stars": 14000,
            "forks": 420,
            "language": "Python",
            "license": "Apache-2.0",
        },
    ),
    "https://github.com/mlc-ai/xgrammar": Metadata(
        title="mlc-ai/xgrammar",
        site_name="GitHub",
        suggested_kind="oss",
        description="Fast, flexible and portable structured generation",
        extra={
            "full_name": "mlc-ai/xgrammar",
            "stars": 1300,
            "forks": 90,
            "language": "C++",
            "license": "Apache-2.0",
        },
    ),
}


def _fill_demo_cards() -> None:
    for link in Link.objects.all():
        metadata = DEMO_CARDS.get(link.canonical_url) or Metadata(
            title=link.canonical_url.rsplit("/", 1)[-1].replace("-", " "),
            site_name="example.com",
            description="デモ用の記事です。",
            suggested_kind="blog",
        )
        link_store_metadata(link=link, metadata=metadata, thumbnail_webp=None)


def demo_members() -> dict[str, User]:
    members = {}
    for spec in MEMBERS:
        members[spec.handle] = member_create(
            handle=spec.handle,
            display_name=spec.display_name,
            password=DEMO_PASSWORD,
            is_organizer=spec.is_organizer,
        )
    return members


@transaction.atomic
def create_demo_data(*, today: dt.date, weekday: int) -> list[Meeting]:
    """Three past meetings and the next one, with topics, remarks and main topics."""
    members = demo_members()
    upcoming = next_meeting_dates(today=today, weekday=weekday, count=1)[0]
    dates = [upcoming - dt.timedelta(weeks=w) for w in (3, 2, 1, 0)]
    meetings = []
    for index, date in enumerate(dates):
        status = Meeting.Status.OPEN if date >= today else Meeting.Status.HELD
        meeting = meeting_create(date=date, status=status)
        meetings.append(meeting)
        # Each meeting gets a rotating slice of the topics, so that every board looks alive.
        for offset in range(4):
            handle, kind, title, url, notes, remarks = TOPICS[(index * 2 + offset) % len(TOPICS)]
            topic = topic_create(
                meeting=meeting,
                presenter=members[handle],
                kind=kind,
                title=title,
                url=url,
                notes=notes,
            )
            for author, body in remarks:
                remark_create(author=members[author], topic=topic, body=body)
        if index % 2 == 1 or date >= today:
            handle, title, paper_url, body = DEEP_DIVES[index % len(DEEP_DIVES)]
            deep_dive = deep_dive_set(
                meeting=meeting,
                presenter=members[handle],
                title=title,
                paper_url=paper_url,
                body=body,
            )
            remark_create(
                author=members["sato"], deep_dive=deep_dive, body="実験設定の詳細をもう少し知りたい"
            )
    _fill_demo_cards()
    _imported_paper_to_confirm(meetings[0], members["haru"])
    _demo_library(members)
    _demo_queue(members, meetings, today=today)
    return meetings


# As an import leaves it: a paper named without its URL, with the title search's suggestions
# (offline, as the cards are) waiting for an organizer on /notes/papers/.
IMPORTED_PAPER = "Reflective Memory Management for Long-term Dialogue Agents"
IMPORTED_PAPER_SUGGESTIONS = [
    Candidate(
        arxiv_id="2503.08026",
        title="In Prospect and Retrospect: Reflective Memory Management for Long-term "
        "Personalized Dialogue Agents",
        authors=("Zhen Tan", "Jun Yan", "I-Hung Hsu"),
        more_authors=9,
        year=2025,
    ),
    Candidate(
        arxiv_id="2308.15022",
        title="Recursively Summarizing Enables Long-Term Dialogue Memory in Large Language Models",
        authors=("Qingyue Wang", "Liang Ding", "Yanan Cao"),
        more_authors=3,
        year=2023,
    ),
]


def _imported_paper_to_confirm(meeting: Meeting, presenter: User) -> None:
    topic = topic_create(
        meeting=meeting,
        presenter=presenter,
        kind=Topic.Kind.PAPER,
        title=IMPORTED_PAPER,
        notes="- 記憶を前向き・後ろ向きの両方向から整理する\n"
        "- 取り込んだ古いメモなのでURLが抜けている",
    )
    paper_matches_queue(topics=Topic.objects.filter(pk=topic.pk), start=False)
    (match,) = paper_match_claim(
        match_ids=list(PaperMatch.objects.filter(topic=topic).values_list("pk", flat=True))
    )
    paper_match_suggest(
        match=match,
        title=IMPORTED_PAPER,
        suggestions=[c.as_dict() for c in IMPORTED_PAPER_SUGGESTIONS],
    )


# Two members' paper-note collections, in the shapes they keep them: per-paper summaries
# (Markdown) and tagged notes. They attach to the demo's papers and add one not yet presented.
DEMO_SUMMARIES = """# LoRA: Low-Rank Adaptation of Large Language Models

[View Paper](https://arxiv.org/abs/2106.09685)

## 1. 既存研究では何ができなかったのか

全パラメータのファインチューニングはモデルごとに重みを丸ごと保存する必要があり、大規模モデルでは現実的でなかった。

## 2. どのようなアプローチでそれを解決しようとしたか

重みの更新を低ランク行列の積に制限し、元の重みは凍結する。

## 3. 結果、何が達成できたのか

学習するパラメータを大幅に減らしつつ、フルファインチューニングと同等の性能。
"""

DEMO_TAGGED_NOTES = "\n".join(
    [
        "#Pretraining",
        "#NLP",
        "#LanguageModel",
        "#Supervised-FineTuning (SFT)",
        "Issue Date: 2025-03-20",
        "[Paper Note] DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via "
        "Reinforcement Learning, DeepSeek-AI+, arXiv'25",
        "Summary強化学習だけで推論能力を引き出せることを示した。",
        "Comment蒸留したモデルも公開されている。",
        "#NLP",
        "#RLVR",
        "Issue Date: 2025-03-25",
        "[Paper Note] Scaling Laws for Reward Model Overoptimization, Leo Gao+, arXiv'22",
        "Summary報酬モデルを最適化しすぎると真の報酬が下がる現象を、モデルの規模ごとに測った。",
        "Comment次回の候補。",
        "",
    ]
)


def _demo_library(members: dict[str, User]) -> None:
    import_library(DEMO_SUMMARIES.encode(), name="summaries.md", author=members["ken"])
    import_library(DEMO_TAGGED_NOTES.encode(), name="notes.txt", author=members["yui"])
    related_refresh()  # 関連する論文 at once, not after the worker's first quiet period


def _demo_queue(members: dict[str, User], meetings: list[Meeting], *, today: dt.date) -> None:
    """What members want to hear: votes, a request, a claimed paper, a carry-over offer and
    an absence, so that /queue/, the boards, the agenda and マイページ show each of them."""
    upcoming, last_week = meetings[-1], meetings[-2]
    proposed = Topic.objects.filter(block__meeting=upcoming).order_by("block__position", "position")
    for handle in ("fr", "ken"):
        queue.vote_topic(topic_id=proposed[0].pk, member=members[handle], on=True)
    past = Topic.objects.filter(block__meeting=meetings[0]).order_by("pk").first()
    if past is not None:
        queue.vote_topic(topic_id=past.pk, member=members["haru"], on=True)  # もう一度詳しく
    request = queue.queue_propose(member=members["haru"], text="誰かRLHFの最近の流れを").entry
    queue.vote_entry(entry_id=request.pk, member=members["fr"], on=True)
    for paper in Paper.objects.filter(title__startswith="DeepSeek-R1"):
        for handle in ("sato", "fr", "ken"):
            queue.vote_paper(paper=paper, member=members[handle], on=True)
    for paper in Paper.objects.filter(title__startswith="Scaling Laws for Reward Model"):
        entry = queue.vote_paper(paper=paper, member=members["sato"], on=True)
        if entry is not None:  # yui takes it: her topic starts from her own note
            queue.queue_claim(entry_id=entry.pk, member=members["yui"], on=today)
    # Last week ran in meeting-day mode up to its second topic; the rest is offered again.
    ran = Topic.objects.filter(block__meeting=last_week).order_by("block__position", "position")
    for topic in ran[:2]:
        topic_mark_reached(topic_id=topic.pk)
    absences_set(member=members["ken"], offered=[upcoming.date], absent=[upcoming.date])
