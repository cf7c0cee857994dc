from __future__ import annotations

from apps.core.tokenizer import phrase
from apps.search.snippets import highlight, plain, snippet


def P(*words):
    return [phrase(w) for w in words]


def test_highlight_escapes_and_marks():
    html = highlight('<b>"RAG"</b> & 推薦', P("rag", "推薦"))
    assert html == "&lt;b&gt;&quot;<mark>RAG</mark>&quot;&lt;/b&gt; &amp; <mark>推薦</mark>"


def test_matches_are_marked_in_the_text_as_written():
    # Half-width kana and full-width letters are found and marked as the member wrote them.
    assert (
        highlight("ｽｹｰﾘﾝｸﾞ則とＬＬＭ", P("スケーリング", "llm"))
        == "<mark>ｽｹｰﾘﾝｸﾞ</mark>則と<mark>ＬＬＭ</mark>"
    )


def test_japanese_substrings_and_whole_words():
    assert highlight("強化学習とstorage", P("学", "rag")) == "強化<mark>学</mark>習とstorage"
    assert highlight("強化学習", P("化学")) == "強<mark>化学</mark>習"


def test_snippet_windows_around_the_first_match_with_ellipses():
    text = "あ" * 100 + "推薦" + "い" * 300
    html = snippet(text, P("推薦"), width=60, before=10)
    assert html.startswith("…" + "あ" * 10 + "<mark>推薦</mark>")
    assert html.endswith("い…")
    assert len(plain(html)) == 60 + 2 + 2  # the window, two ellipses, 【】


def test_snippet_without_a_match_shows_the_start_and_collapses_whitespace():
    assert snippet("  - 一行目\n    - 二行目\n", P("RAG")) == "- 一行目 - 二行目"
    assert snippet("", P("RAG")) == ""


def test_plain_text_for_the_terminal():
    assert plain(snippet("<script>は実行", P("実行"))) == "<script>は【実行】"


def test_a_long_text_is_only_examined_around_the_first_match():
    text = "前置き。" * 500 + "ここで推薦の話。" + "あとがき。" * 500
    html = snippet(text, P("推薦"), spans=None)
    assert "<mark>推薦</mark>" in html
    from apps.search.snippets import match_spans

    assert match_spans(text, P("推薦"), window=100) == match_spans(text, P("推薦"))[:1]
    # a first candidate that is no match (`rag` inside `storage`) falls back to the whole text
    words = "storage " * 300 + "RAG"
    assert match_spans(words, P("rag"), window=50) == [(len(words) - 3, len(words))]
