from __future__ import annotations

import pytest

from apps.core.tokenizer import (
    MAX_WORD_CHARS,
    Phrase,
    normalize,
    phrase,
    tokenize,
    tokenize_spans,
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("強化学習", ["強化", "化学", "学習", "習"]),
        ("学", ["学"]),
        ("ＬＬＭ", ["llm"]),
        ("ｽｹｰﾘﾝｸﾞ則", ["スケ", "ケー", "ーリ", "リン", "ング", "グ則", "則"]),
        ("GPT-4oとGemini-2.0", ["gpt", "4o", "と", "gemini", "2", "0"]),
        ("RAGの性能", ["rag", "の性", "性能", "能"]),
        ("t-統計量", ["t", "統計", "計量", "量"]),
        ("Prospective・Reflection", ["prospective", "reflection"]),
        ("🎉 !!! ＊", []),
        ("naïve Ünïcode", ["naïve", "ünïcode"]),
        ("next_token", ["next", "token"]),
        ("한국어", ["한국", "국어", "어"]),
    ],
)
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


def test_normalize_is_nfkc_then_lower_case():
    assert normalize("ＬＬＭとｽｹｰﾘﾝｸﾞ") == "llmとスケーリング"


def test_very_long_words_are_cut_the_same_way_everywhere():
    word = "a" * 300
    assert tokenize(word) == ["a" * MAX_WORD_CHARS]
    assert phrase(word) == Phrase(("a" * MAX_WORD_CHARS,))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("学", Phrase(("学",), prefix=True)),  # one character: any bigram starting with it
        ("推薦", Phrase(("推薦",))),
        ("強化学習", Phrase(("強化", "化学", "学習"))),  # trailing single char dropped at the end
        ("強化学", Phrase(("強化", "化学"))),
        ("強化LLM", Phrase(("強化", "化", "llm"))),  # ...but kept before a word, as in the text
        ("RAGの", Phrase(("rag", "の"), prefix=True)),
        ("第1回", Phrase(("第", "1", "回"), prefix=True)),
        ("!!", None),
        ("🎉", None),
    ],
)
def test_query_phrase(query, expected):
    assert phrase(query) == expected


@pytest.mark.parametrize(
    ("text", "query", "found"),
    [
        ("強化学習", "学", True),
        ("強化学習", "習", True),
        ("強化学習", "化学", True),
        ("強化学習", "強化学", True),
        ("強化 学習", "強化学習", False),  # not a substring of the text
        ("強化LLM", "強化LLM", True),
        ("強化学習LLM", "学習LLM", True),
        ("強化学習LLM", "強化LLM", False),
        ("RAGの性能", "RAGの", True),
        ("RAGの性能", "の性能", True),
        ("storage", "rag", False),  # words match whole
    ],
)
def test_phrase_matching_is_substring_matching_for_japanese(text, query, found):
    assert bool(phrase(query).spans(tokenize_spans(normalize(text)))) is found
