"""The parser: every construct of the old notes format, from fixtures written for this project."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest

from apps.accounts.models import handle_validator
from apps.archive import notes_format as nf
from apps.archive.syntax import derive_handle, linked_title, split_presenter, split_title
from tests.archive.conftest import fixture_text, line_of


@pytest.fixture
def constructs() -> nf.ParsedMeeting:
    return nf.parse(fixture_text("constructs.txt"))


def topic(meeting: nf.ParsedMeeting, title: str) -> nf.ParsedTopic:
    return next(t for p in meeting.presenters for t in p.topics if t.title == title)


def test_date_line_and_guidance(constructs):
    assert constructs.date == dt.date(2024, 6, 14)
    assert constructs.title == "機械学習勉強会"
    assert constructs.guidance == (
        "今週のTOPIC\n\n"
        "※ [論文] [blog] [oss] など何に関するTOPICなのかパッと見で分かるようにしましょう。\n"
        "出典を埋め込みURLにしましょう。"
    )


def test_presenter_blocks_with_and_without_handles_and_duplicates_merged(constructs):
    text = fixture_text("constructs.txt")

    assert [(p.display_name, p.handle) for p in constructs.presenters] == [
        ("Haruka Mori", "haru"),
        ("Ryosuke Fukazawa", "qluto"),  # written `@qluto (Ryosuke Fukazawa)`
        ("山田 太郎", ""),
    ]
    haru = constructs.presenters[0]
    assert [t.title for t in haru.topics] == [
        "Attention Is All You Need",
        "LLMにJSONを出力させる技術",
        "同じ発表者の二つ目のブロック",
    ]
    second_block = text.splitlines().index("@Haruka Mori") + 1
    assert [(p.line, p.level) for p in constructs.problems] == [(second_block, nf.WARNING)]
    assert "同じ発表者としてまとめました" in constructs.problems[0].message


def test_kind_tags_with_or_without_space_and_any_case(constructs):
    assert topic(constructs, "Attention Is All You Need").kind == "paper"  # `[論文]Attention`
    assert topic(constructs, "Memray").kind == "oss"
    assert topic(constructs, "vLLM").kind == "oss"  # `[OSS]`
    assert topic(constructs, "LLMにJSONを出力させる技術").kind == "blog"


def test_a_url_after_the_title_is_the_source(constructs):
    assert (
        topic(constructs, "LLMにJSONを出力させる技術").url
        == "https://example.com/structured-generation"
    )
    assert topic(constructs, "Memray").url == ""


def test_bullets_nest_by_indentation_and_numbered_items_stay_numbered(constructs):
    assert topic(constructs, "Attention Is All You Need").notes == (
        "- 位置エンコーディングは sin/cos\n"
        "  - 今は RoPE が主流\n"
        "    - [fr] RoPE との比較は次回やりたい\n"
        "- Self-Attention の計算量は系列長の2乗  \n"
        "  [ken] FlashAttention なら実用上は速い\n"
        "- \\*args と max_new_tokens の書き方\n"
        "\n"
        "1. 手順その一\n"
        "1. 手順その二\n"
        "   1. 入れ子の番号"
    )


def test_lone_lines_are_paragraphs_and_a_list_after_them_starts_a_block(constructs):
    assert topic(constructs, "LLMにJSONを出力させる技術").notes == (
        "Structured Generation の紹介記事。\n\n"
        "文法で語彙をマスクする話。\n\n"
        "- 正則言語 → DFA\n"
        "- 文脈自由言語 → 構文木"
    )


def test_remarks_stay_where_they_stand_and_trailing_ones_belong_to_the_topic(constructs):
    text = fixture_text("constructs.txt")
    attention = topic(constructs, "Attention Is All You Need")
    assert [(r.handle, r.body, r.line) for r in attention.remarks] == [
        ("fr", "RoPE との比較は次回やりたい", line_of(text, "[fr] RoPE")),
        ("ken", "FlashAttention なら実用上は速い", line_of(text, "[ken] FlashAttention")),
    ]
    structured = topic(constructs, "LLMにJSONを出力させる技術")
    assert [(r.handle, r.body) for r in structured.remarks] == [
        ("fr", "xgrammar はマスクを前計算しているので速い"),
        ("ken", "outlines も読みたい"),
    ]
    assert "xgrammar" not in structured.notes


def test_main_topic_with_presenter_title_description_and_headings(constructs):
    deep_dive = constructs.deep_dive
    assert (deep_dive.presenter.display_name, deep_dive.presenter.handle) == ("Haruka Mori", "haru")
    assert deep_dive.title == "Reflective Memory Management for Long-term Dialogue Agents"
    assert deep_dive.body == (
        "Agent の長期記憶に関するGoogleらの論文\n\n"
        "## サマリー\n\n"
        "### 1. Introduction\n\n"
        "LLMは状態を保持しないため、過去の対話を活用しにくい。\n\n"
        "#### 提案手法\n\n"
        "- Prospective Reflection\n"
        "  - トピックごとに要約する\n"
        "- Retrospective Reflection\n\n"
        "### 2. Experiments\n\n"
        "#### Main Results\n\n"
        "- RMM が最良だった。"
    )
    assert [(r.handle, r.body) for r in deep_dive.remarks] == [("yui", "実験設定が気になる")]


def test_markdown_variant_keeps_markdown_links_and_code():
    meeting = nf.parse(fixture_text("constructs.md"), variant="markdown")

    assert meeting.date == dt.date(2024, 6, 21)
    assert [(p.display_name, p.handle) for p in meeting.presenters] == [
        ("Haruka Mori", "haru"),
        ("Kenji Ota", "ken"),
    ]
    attention, structured = meeting.presenters[0].topics
    assert (attention.kind, attention.url) == ("paper", "https://arxiv.org/abs/1706.03762")
    # `@torch.compile` inside fenced code is code, not a presenter line.
    assert "@torch.compile" in attention.notes
    assert attention.notes.startswith("- 位置エンコーディングは sin/cos\n  - 今は **RoPE** が主流")
    assert [(r.handle, r.body) for r in attention.remarks] == [
        ("fr", "RoPE との比較は次回やりたい")
    ]
    assert (structured.title, structured.url) == (
        "LLM に JSON を出力させる [入門]",
        "https://example.com/post_(1)",
    )
    assert [(r.handle, r.body) for r in structured.remarks] == [("ken", "outlines も読みたい")]
    deep_dive = meeting.deep_dive
    assert (deep_dive.title, deep_dive.url) == (
        "Reflective Memory Management",
        "https://arxiv.org/abs/2503.08026",
    )
    assert deep_dive.presenter.handle == "yui"
    # `#` headings move down one level under the main topic's own title.
    assert deep_dive.body.startswith("## Introduction\n\nLLM は状態を保持しない。\n\n### 提案手法")
    assert [(r.handle, r.body) for r in deep_dive.remarks] == [("fr", "実験設定が気になる")]


@pytest.mark.parametrize(
    ("name", "text", "variant"),
    [
        ("notes.md", "2024-01-01 会\n", "markdown"),
        ("notes.txt", "# 2024-01-01 会\n", "markdown"),
        ("notes.txt", "2024-01-01 会\n\n@A\n\n[blog] t\n\n  • x\n  - y\n", "text"),
        ("notes.txt", "2024-01-01 会\n\n@A\n\n[blog] t\n\n- x\n", "markdown"),
        ("notes.txt", "2024-01-01 会\n\n@A\n\n[blog] t\n\nx\n", "text"),
    ],
)
def test_variant_detection(name, text, variant):
    assert nf.detect_variant(text, name=name) == variant


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ファイルが空です"),
        (b" \n\n\t\n", "ファイルが空です"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "バイナリ"),
        (bytes([0x80, 0x81, 0xFF, 0xFE, 0x9F]) * 10, "文字コード"),
        (b"2024-01-01 x\n" + b"\x01\x02\x03\x04" * 10, "制御文字"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, message):
    with pytest.raises(nf.NotesError) as caught:
        nf.decode(data)
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("cp932", "Shift_JIS"), ("shift_jis", "Shift_JIS"), ("euc_jp", "EUC-JP"), ("utf-8", "UTF-8")],
)
def test_japanese_encodings_are_detected(encoding, label):
    # The old page's `•` has no Shift_JIS/EUC-JP form: such exports bullet with `・`.
    text = fixture_text("constructs.txt").replace("•", "・")
    decoded, found = nf.decode(text.encode(encoding))
    assert (decoded, found) == (text, label)


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_byte_order_marks(bom):
    text = fixture_text("constructs.txt")
    data = bom + text.encode("utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-8")
    assert nf.decode(data)[0] == text


def test_ten_megabytes_are_refused_by_size():
    data = ("2024-01-01 機械学習勉強会\n" + "  • あいうえお\n" * 600_000).encode()
    assert len(data) > 10 * 1024 * 1024
    with pytest.raises(nf.NotesError) as caught:
        nf.decode(data)
    assert "大きすぎます" in caught.value.message
    assert f"{nf.MAX_BYTES // 1024 // 1024} MB まで" in caught.value.message


def test_size_given_for_a_truncated_read_is_used():
    with pytest.raises(nf.NotesError, match=r"10\.0 MB"):
        nf.decode(b"2024-01-01 x", size=10 * 1024 * 1024)


def test_missing_date_line_is_reported_at_line_one():
    with pytest.raises(nf.NotesError) as caught:
        nf.parse(fixture_text("no-date.txt"))
    assert caught.value.line == 1
    assert "日付" in caught.value.message


def test_a_file_that_is_no_notes_export_says_so():
    with pytest.raises(nf.NotesError) as caught:
        nf.parse(fixture_text("not-notes.txt"))
    assert "ノートのエクスポートではありません" in caught.value.message


def test_impossible_date():
    with pytest.raises(nf.NotesError, match="存在しません"):
        nf.parse("2025-02-30 機械学習勉強会\n\n@A\n\n[blog] t\n")


def test_topic_without_presenter_is_an_error_with_its_line():
    text = fixture_text("no-presenter.txt")
    meeting = nf.parse(text)
    assert [(p.line, p.level) for p in meeting.errors] == [
        (line_of(text, "[blog] 発表者より前"), nf.ERROR)
    ]


def test_notes_before_any_topic_line_are_an_error():
    meeting = nf.parse("2024-01-01 会\n\n@A\n\n  • どのトピック?\n  • 続き\n\n[blog] t\n")
    assert [(p.line, p.level) for p in meeting.errors] == [(5, nf.ERROR)]


def test_untagged_topic_is_taken_as_blog_with_a_warning():
    meeting = nf.parse("2024-01-01 会\n\n@A\n\nタグのないトピック\n\n  • メモ\n")
    assert [(t.kind, t.title, t.notes) for t in meeting.presenters[0].topics] == [
        ("blog", "タグのないトピック", "- メモ")
    ]
    assert [(p.line, p.level) for p in meeting.problems] == [(5, nf.WARNING)]


def test_two_meetings_in_one_file_are_refused():
    text = "2024-01-01 機械学習勉強会\n\n@A\n\n[blog] t\n\n2024-01-08 機械学習勉強会\n\n@A\n"
    with pytest.raises(nf.NotesError) as caught:
        nf.parse(text)
    assert caught.value.line == 7


def test_a_second_bare_date_line_is_refused_when_the_first_has_no_name():
    with pytest.raises(nf.NotesError) as caught:
        nf.parse("2024-01-01\n\n@A\n\n[blog] t\n\n2024-01-08\n")
    assert caught.value.line == 7


def test_a_date_in_the_notes_is_no_second_meeting():
    meeting = nf.parse("2024-01-01 機械学習勉強会\n\n@A\n\n[blog] t\n\n2024-01-08 に続きを話す\n")
    assert meeting.presenters[0].topics[0].notes == "2024-01-08 に続きを話す"


def test_structural_lines_inside_notes_need_the_left_margin():
    meeting = nf.parse(
        "2024-01-01 会\n\n@A\n\n[blog] t\n\n  • @someone に聞く\n  • [blog] も参照\n"
    )
    assert meeting.presenters[0].topics[0].notes == "- @someone に聞く\n- [blog] も参照"


def test_markdown_that_means_something_else_is_escaped():
    meeting = nf.parse(
        "2024-01-01 会\n\n@A\n\n[blog] t\n\n# 見出しではない\n<b>太字ではない</b>\n"
        "  • 1. は番号ではない\n  • - も箇条書きではない\n"
    )
    assert meeting.presenters[0].topics[0].notes == (
        "\\# 見出しではない\n\n&lt;b>太字ではない&lt;/b>\n\n"
        "- 1\\. は番号ではない\n- \\- も箇条書きではない"
    )


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Takumi Iida (frkake)", ("Takumi Iida", "frkake")),
        ("qluto (Ryosuke Fukazawa)", ("Ryosuke Fukazawa", "qluto")),
        ("Naoto Shimakoshi", ("Naoto Shimakoshi", "")),
        ("山田 太郎（yamada）", ("山田 太郎", "yamada")),
        ("Taro (PM) (taro)", ("Taro (PM)", "taro")),
        ("Ｎａｏｔｏ　Shimakoshi", ("Naoto Shimakoshi", "")),
        ("FR (Fumika Ryu)", ("Fumika Ryu", "fr")),
    ],
)
def test_presenter_names_and_handles(raw, expected):
    assert split_presenter(raw) == expected


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("Naoto Shimakoshi", "naoto-shimakoshi"),
        ("José Núñez", "jose-nunez"),
        ("Ｎａｏｔｏ　Shimakoshi", "naoto-shimakoshi"),
        ("A" * 40, "a" * 32),
    ],
)
def test_derived_handles_are_slugs_of_latin_names(name, handle):
    assert derive_handle(name) == handle
    handle_validator(handle)


def test_derived_handles_of_japanese_names_are_stable_and_distinct():
    first = derive_handle("山田 太郎")
    assert first == "m-ed6d53c9"  # documented in the README; must never change
    assert first == derive_handle("山田　太郎")
    assert first != derive_handle("山田 花子")
    assert first.startswith("m-")
    assert len(first) == 10
    handle_validator(first)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Memray", ("Memray", "")),
        (
            "[Memray](https://github.com/bloomberg/memray)",
            ("Memray", "https://github.com/bloomberg/memray"),
        ),
        ("[a \\[b\\]](<https://x.test/p_(1)>)", ("a [b]", "https://x.test/p_(1)")),
        (
            "Memray https://github.com/bloomberg/memray",
            ("Memray", "https://github.com/bloomberg/memray"),
        ),
        # No title yet (it comes from the link's metadata): the URL stands alone.
        ("https://github.com/bloomberg/memray", ("", "https://github.com/bloomberg/memray")),
    ],
)
def test_titles_with_links(raw, expected):
    assert split_title(raw) == expected
    assert split_title(linked_title(*expected)) == expected
