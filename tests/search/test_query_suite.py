"""The shared query suite: the same corpus, the same queries, the same answers on every database.

Runs on SQLite by default and on PostgreSQL with DATABASE_URL set; nothing here knows which.
"""

from __future__ import annotations

import pytest

# query → the hits it must find (as a set: order is tested separately below)
SUITE = {
    # NFKC and case: full-width LLM, half-width kana.
    "ＬＬＭ": {"T4", "T6", "R4", "D1"},  # T6 and R4 are in the "LLM特別回" meeting
    "llm": {"T4", "T6", "R4", "D1"},
    "ｽｹｰﾘﾝｸﾞ": {"T3", "T4"},
    "スケーリング": {"T3", "T4"},
    # Japanese substrings of one and two characters, and a run's last character.
    "学": {"T4", "R3", "D2"},
    "習": {"T4", "R3", "D2"},
    "推薦": {"T2", "R2"},
    "強化学習": {"T4", "R3", "D2"},
    "化学": {"T4", "R3", "D2"},
    "強化学": {"T4", "R3", "D2"},
    "学習は": {"T4"},
    # The group's default meeting title is not indexed: it would match everything.
    "機械学習勉強会": set(),
    # AND, phrases, exclusion.
    "RAG バイアス": {"T1"},
    "RAG 推薦": set(),
    '"next token"': {"T2"},
    '"token next"': set(),
    "「強化学習」": {"T4", "R3", "D2"},
    "バイアス -Reranker": {"T1"},
    '推薦 -"基盤モデル"': {"T2"},
    # Words are whole words: `rag` is not found inside `storage`, `mem` not in `memray`.
    "mem": set(),
    # With several terms a deep dive is one document: its sections that hold a term match.
    "Gumbel 強化学習": {"D2", "D3"},
    "Reflective 強化学習": {"D0", "D2"},
    "Gumbel -強化学習": {"D3"},  # exclusion stays per entry
    "Reflective 強化学習 -GAN": {"D0", "D2"},
    "Reflective 強化学習 -Retrospective": {"D0"},  # D0 has `Retrospect`, a different word
    "強化学習 -Reranker -Reflection": {"T4", "R3"},
    # Filters.
    "kind:論文": {"T4", "R4", "D0", "D1", "D2", "D3", "R3"},
    "kind:paper 強化": {"T4", "R3", "D2"},
    "kind:blog 推薦": {"T2", "R2"},
    "kind:oss": {"T5", "T6"},
    "-kind:blog 推薦": set(),
    "by:fr": {"T3", "T5", "R1", "R5"},
    "by:FR": {"T3", "T5", "R1", "R5"},
    "by:@fr memray": {"T5", "R5"},
    "-by:fr memray": {"T6", "T7"},
    "after:2025-01-01 memray": {"T6", "R5"},
    "before:2025-01-01 memray": {"T5", "T7"},
    "after:2025-01-10 before:2025-01-11 memray": {"T6"},
    "after:2025 before:2025-02 memray": {"T6"},
    "in:remark 推薦": {"R2"},
    "in:topic 推薦": {"T2"},
    "in:deepdive 強化学習": {"D2"},
    "-in:remark 推薦": {"T2"},
    # People, dates, meeting titles, link text and pasted URLs.
    "Shimakoshi": {"T4", "T7", "D0", "D1", "D2", "D3", "R2"},
    "2025-01-10": {"T4", "T6", "R4"},
    "LLM特別回": {"T4", "T6", "R4"},
    "2503.08026": {"D0"},
    "https://arxiv.org/pdf/2503.08026v2": {"D0"},
    "https://huggingface.co/papers/2001.08361": {"T4"},
    "bloomberg": {"T5"},
    # Mixed Japanese and Latin in one word.
    "RAGの": {"T1"},
    "GPTのような": {"T2"},
    "Gumbelトリック": {"D3"},
    "GPTの": {"T2"},  # a word, then the first character of a longer run
    "化・学": set(),  # a run of one character after another run: not `化学`
}


@pytest.mark.parametrize(("q", "expected"), SUITE.items(), ids=list(SUITE))
def test_query_finds_exactly(corpus, q, expected):
    assert set(corpus.hits(q)) == expected


def test_title_beats_link_text_beats_notes_beats_remarks_whatever_the_date(corpus):
    # Memray: T5's title (2024), T6's source URL (2025-01), T7's notes (2024), R5 (2025-03).
    assert corpus.hits("memray") == ["T5", "T6", "T7", "R5"]


def test_equal_scores_put_the_newer_meeting_first(corpus):
    assert corpus.hits("スケーリング") == ["T3", "T4"]  # both in notes: 2025-03 before 2025-01


def test_a_section_heading_ranks_above_its_text(corpus):
    assert corpus.hits("リランカー") == ["D3", "D2"]


def test_each_term_scores_by_its_best_field(corpus):
    # T1 has RAG in its title and バイアス in its notes; R1 has only バイアス.
    assert corpus.hits("バイアス") == ["T1", "R1"]
