from __future__ import annotations

import datetime as dt

import pytest

from apps.search.query import MAX_QUERY_CHARS, MAX_TERMS, parse_query


def texts(terms):
    return [t.text for t in terms]


def test_words_phrases_and_exclusions():
    q = parse_query('RAG "reflective memory" -GAN -"拡散 モデル" 「強化学習」')
    assert texts(q.terms) == ["RAG", "reflective memory", "強化学習"]
    assert texts(q.excluded) == ["GAN", "拡散 モデル"]
    assert q.messages == []


def test_full_width_syntax_works_after_nfkc():
    q = parse_query("ｋｉｎｄ：論文　－ＧＡＮ　＂next token＂")
    assert q.kinds == ["paper"]
    assert texts(q.excluded) == ["GAN"]
    assert texts(q.terms) == ["next token"]


def test_filters():
    q = parse_query(
        "kind:論文 kind:blog by:@FR -by:pon after:2025-01 before:2025/04/01 in:comment -in:topic"
    )
    assert q.kinds == ["paper", "blog"]
    assert q.handles == ["fr"]
    assert q.not_handles == ["pon"]
    assert q.after == dt.date(2025, 1, 1)
    assert q.before == dt.date(2025, 4, 1)
    assert q.sources == ["remark"]
    assert q.not_sources == ["topic"]
    assert q.terms == []
    assert not q.is_empty


def test_a_quoted_filter_value():
    assert parse_query('by:"fr" 推薦').handles == ["fr"]


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("foo:bar 推薦", "「foo:」という条件はありません"),
        ("kind:動画", "種類「動画」はありません"),
        ("in:everywhere", "in:everywhere"),
        ("after:2025-13-45", "日付として読めません"),
        ("by:", "値がありません"),
        ('"unbalanced phrase', "閉じていない引用符"),
        ("!!! ？？", "検索できる文字"),
        ("-推薦", "除外する語だけでは"),
    ],
)
def test_unusable_input_gets_a_clear_message(raw, message_part):
    messages = " ".join(parse_query(raw).messages)
    assert message_part in messages


def test_unknown_filters_are_searched_as_text():
    q = parse_query("foo:bar")
    assert texts(q.terms) == ["foo:bar"]
    assert [t.phrase.tokens for t in q.terms] == [("foo", "bar")]


def test_urls_and_times_are_not_filters():
    q = parse_query("https://arxiv.org/abs/2503.08026 10:30")
    assert q.urls == ["arxiv:2503.08026"]
    assert texts(q.terms) == ["10:30"]
    assert q.messages == []


def test_an_unbalanced_quote_runs_to_the_end():
    q = parse_query('推薦 "next token')
    assert texts(q.terms) == ["推薦", "next token"]


def test_long_queries_are_cut_with_a_message():
    q = parse_query("あ" * 1000)
    assert len(q.raw) == MAX_QUERY_CHARS
    assert len(q.terms) == 1
    assert len(q.terms[0].phrase.tokens) == 32
    assert len(q.messages) == 2


def test_too_many_terms_are_cut_with_a_message():
    q = parse_query(" ".join(f"w{i}" for i in range(30)))
    assert len(q.terms) == MAX_TERMS
    assert q.messages


def test_duplicate_terms_count_once():
    assert len(parse_query("推薦 推薦 ＲＡＧ rag").terms) == 2


def test_toggling_filters_for_facet_links():
    q = parse_query("推薦 kind:blog")
    assert q.toggled("kind", "blog") == "推薦"
    assert q.toggled("by", "fr") == "推薦 kind:blog by:fr"
    assert parse_query("推薦").toggled_year(2025) == "推薦 after:2025-01-01 before:2026-01-01"
    q = parse_query("推薦 after:2025-01-01 before:2026-01-01")
    assert q.year_span() == 2025
    assert q.toggled_year(2025) == "推薦"
    assert q.toggled_year(2024) == "推薦 after:2024-01-01 before:2025-01-01"


@pytest.mark.parametrize("raw", ["", "   ", None, "\x00", "-", "--", '""', "「」"])
def test_empty_queries_are_empty(raw):
    assert parse_query(raw).is_empty
