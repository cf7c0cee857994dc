"""Importing exports: what gets created, re-imports, dry runs, bad files, one transaction."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.archive import importer
from apps.deepdives.models import DeepDive
from apps.meetings.models import Meeting, PresenterBlock
from apps.topics.models import Remark, Topic
from apps.topics.services import topic_delete, topic_save
from tests import factories
from tests.archive.conftest import fixture_bytes, fixture_text, import_text, line_of

pytestmark = pytest.mark.django_db

MODELS = (User, Meeting, PresenterBlock, Topic, Remark, DeepDive)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_constructs_become_meeting_members_topics_remarks_and_main_topic():
    report = importer.import_notes(data=fixture_bytes("constructs.txt"), name="constructs.txt")

    assert (report.status, report.ok) == ("created", True)
    meeting = Meeting.objects.get()
    assert (meeting.date, meeting.title, meeting.status) == (
        dt.date(2024, 6, 14),
        "機械学習勉強会",
        "held",
    )
    assert meeting.guidance.startswith("今週のTOPIC\n\n※ [論文] [blog] [oss]")

    blocks = list(meeting.blocks.select_related("presenter").order_by("position"))
    assert [(b.presenter.display_name, b.presenter.handle) for b in blocks] == [
        ("Haruka Mori", "haru"),
        ("Ryosuke Fukazawa", "qluto"),
        ("山田 太郎", blocks[2].presenter.handle),
    ]
    assert blocks[2].presenter.handle.startswith("m-")
    assert [(t.kind, t.title) for t in blocks[0].topics.order_by("position")] == [
        ("paper", "Attention Is All You Need"),
        ("blog", "LLMにJSONを出力させる技術"),
        ("blog", "同じ発表者の二つ目のブロック"),
    ]
    structured = Topic.objects.get(title="LLMにJSONを出力させる技術")
    assert structured.url == "https://example.com/structured-generation"

    # Members named only in remarks exist too, and nobody imported can log in.
    imported = User.objects.all()
    assert sorted(u.handle for u in imported) == sorted(
        ["haru", "qluto", blocks[2].presenter.handle, "fr", "ken", "yui"]
    )
    assert not any(u.has_usable_password() for u in imported)

    attention = Topic.objects.get(title="Attention Is All You Need")
    # The nesting survives rendering: a list inside a list item, three levels deep.
    assert (
        "<li>位置エンコーディングは sin/cos<ul>\n<li>今は RoPE が主流<ul>" in attention.notes_html
    )
    assert "</ul>\n<ol>\n<li>手順その一</li>" in attention.notes_html
    assert "[fr] RoPE との比較は次回やりたい" in attention.notes_html  # where it was written
    assert [(r.author.handle, r.body) for r in attention.remarks.order_by("pk")] == [
        ("fr", "RoPE との比較は次回やりたい"),
        ("ken", "FlashAttention なら実用上は速い"),
    ]
    assert [(r.author.handle, r.body) for r in structured.remarks.order_by("pk")] == [
        ("fr", "xgrammar はマスクを前計算しているので速い"),
        ("ken", "outlines も読みたい"),
    ]

    deep_dive = DeepDive.objects.get()
    assert (deep_dive.presenter.handle, deep_dive.title) == (
        "haru",
        "Reflective Memory Management for Long-term Dialogue Agents",
    )
    assert 'id="h-1-introduction"' in deep_dive.body_html
    for heading in ("サマリー", "1. Introduction", "提案手法", "2. Experiments", "Main Results"):
        assert f">{heading}</a>" in deep_dive.toc_html
    assert [(r.author.handle, r.body) for r in deep_dive.remarks.all()] == [
        ("yui", "実験設定が気になる")
    ]

    created = {(c.what, c.action) for c in report.changes}
    assert created == {
        (w, "created") for w in ("meeting", "member", "topic", "remark", "deep_dive")
    }
    assert report.count("created", "topic") == 5
    assert report.count("created", "remark") == 5


def test_importing_the_same_file_twice_creates_nothing():
    data = fixture_bytes("constructs.txt")
    importer.import_notes(data=data, name="constructs.txt")
    before = row_counts()
    versions = dict(Topic.objects.values_list("pk", "version"))

    report = importer.import_notes(data=data, name="constructs.txt")

    assert report.status == "unchanged"
    assert row_counts() == before
    assert dict(Topic.objects.values_list("pk", "version")) == versions
    assert {c.action for c in report.changes} == {"unchanged"}


def test_an_edited_export_updates_the_matching_topics_and_says_what_changed():
    text = fixture_text("constructs.txt")
    importer.import_notes(data=text.encode(), name="constructs.txt")
    attention = Topic.objects.get(title="Attention Is All You Need")
    memray = Topic.objects.get(title="Memray")
    edited = (
        text.replace("    • 今は RoPE が主流", "    • 今は RoPE と ALiBi が主流")
        .replace("[oss] Memray", "[oss] Memray (Bloomberg)")  # retitled: matched by position
        .replace("[OSS] vLLM", "[blog] vLLM")  # kind changed: matched by title
        .replace(
            "  • Bloomberg のメモリプロファイラ",
            "  • Bloomberg のメモリプロファイラ\n\n[blog] 追加したトピック\n\n  • 新しい",
        )
    )

    report = importer.import_notes(data=edited.encode(), name="constructs.txt")

    assert report.status == "updated"
    updated = {(c.label, tuple(c.fields)) for c in report.changes if c.action == "updated"}
    assert updated == {
        ("[論文] Attention Is All You Need", ("notes",)),
        ("[oss] Memray (Bloomberg)", ("title",)),
        ("[blog] vLLM", ("kind",)),
    }
    assert [c.label for c in report.changes if c.action == "created"] == ["[blog] 追加したトピック"]
    attention.refresh_from_db()
    memray.refresh_from_db()
    assert "ALiBi" in attention.notes
    assert attention.version == 2
    assert memray.title == "Memray (Bloomberg)"
    assert Topic.objects.count() == 6


def test_a_url_added_on_the_board_survives_a_reimport_of_the_plain_export():
    data = fixture_bytes("constructs.txt")
    importer.import_notes(data=data, name="constructs.txt")
    memray = Topic.objects.get(title="Memray")
    memray.url = "https://github.com/bloomberg/memray"
    topic_save(topic=memray)

    report = importer.import_notes(data=data, name="constructs.txt")

    memray.refresh_from_db()
    assert report.status == "unchanged"
    assert memray.url == "https://github.com/bloomberg/memray"


def test_topics_deleted_on_the_board_stay_deleted_and_board_topics_are_kept():
    data = fixture_bytes("constructs.txt")
    importer.import_notes(data=data, name="constructs.txt")
    meeting = Meeting.objects.get()
    topic_delete(topic=Topic.objects.get(title="Memray"))
    haru = User.objects.get(handle="haru")
    factories.topic(meeting=meeting, presenter=haru, title="ボードで追加したトピック")

    report = importer.import_notes(data=data, name="constructs.txt")

    assert Topic.objects.get(title="Memray").deleted_at is not None
    assert Topic.objects.filter(title="Memray").count() == 1
    assert {(c.action, c.label) for c in report.changes if c.what == "topic"} >= {
        ("skipped", "[oss] Memray"),
        ("kept", "[blog] ボードで追加したトピック"),
    }


def test_an_inline_remark_edited_in_the_notes_updates_its_remark():
    text = fixture_text("constructs.txt")
    importer.import_notes(data=text.encode(), name="constructs.txt")

    report = importer.import_notes(
        data=text.replace("次回やりたい", "来週やりたい").encode(), name="constructs.txt"
    )

    remarks = Remark.objects.filter(author__handle="fr", topic__title="Attention Is All You Need")
    assert [r.body for r in remarks] == ["RoPE との比較は来週やりたい"]
    assert [(c.what, c.action) for c in report.changes if c.action != "unchanged"] == [
        ("topic", "updated"),
        ("remark", "updated"),
    ]


def test_existing_members_are_matched_by_handle_or_by_display_name():
    by_handle = factories.MemberFactory(handle="qluto", display_name="Q")
    by_name = factories.MemberFactory(handle="haruka", display_name="HARUKA MORI")

    report = importer.import_notes(data=fixture_bytes("constructs.txt"), name="constructs.txt")

    presenters = [b.presenter for b in PresenterBlock.objects.order_by("position")]
    assert presenters[:2] == [by_name, by_handle]
    assert DeepDive.objects.get().presenter == by_name
    text = fixture_text("constructs.txt")
    written_with_handle = [
        n for n, line in enumerate(text.splitlines(), 1) if line == "@Haruka Mori (haru)"
    ]
    assert [p.line for p in report.problems if "既存のメンバー haruka" in p.message] == (
        written_with_handle
    )


def test_dry_run_reports_what_would_be_created_and_writes_nothing():
    report = importer.import_notes(data=fixture_bytes("constructs.txt"), name="c.txt", dry_run=True)

    assert (report.status, report.dry_run) == ("created", True)
    assert report.count("created", "topic") == 5
    assert report.count("created", "member") == 6
    assert all(n == 0 for n in row_counts().values())


@pytest.mark.parametrize(
    ("name", "data", "line", "message"),
    [
        ("empty.txt", b"", None, "空"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", None, "バイナリ"),
        ("no-date.txt", fixture_bytes("no-date.txt"), 1, "日付"),
        ("not-notes.txt", fixture_bytes("not-notes.txt"), 1, "ノートのエクスポートではありません"),
        ("no-presenter.txt", fixture_bytes("no-presenter.txt"), 5, "発表者"),
        ("huge.txt", b"2024-01-01 x\n" + b"  \xe2\x80\xa2 a\n" * 2_000_000, None, "大きすぎます"),
    ],
)
def test_bad_files_are_refused_with_a_clear_problem_and_write_nothing(name, data, line, message):
    report = importer.import_notes(data=data, name=name)

    assert (report.status, report.ok, report.changes) == ("refused", False, [])
    errors = [p for p in report.problems if p.level == "error"]
    assert [p.line for p in errors] == [line]
    assert message in errors[0].message
    assert all(n == 0 for n in row_counts().values())


@pytest.mark.parametrize(
    ("name", "first", "second"),
    [
        ("constructs.txt", "2024-06-14 機械学習勉強会", "2024-06-21 機械学習勉強会"),
        ("constructs.md", "# 2024-06-21 機械学習勉強会", "# 2024-06-28 機械学習勉強会"),
    ],
)
def test_two_exports_pasted_into_one_file_are_refused_at_the_second_date_line(name, first, second):
    # The second export follows the first one's main topic, so its date line lands in the body.
    one = fixture_text(name)
    text = one + "\n" + one.replace(first, second, 1)

    report = import_text(text, name=name)

    assert (report.status, report.ok) == ("refused", False)
    errors = [p for p in report.problems if p.level == "error"]
    assert [p.line for p in errors] == [len(one.splitlines()) + 2]
    assert "2つ目の勉強会の日付行" in errors[0].message
    assert all(n == 0 for n in row_counts().values())


def test_shift_jis_export_imports_like_utf8_and_says_so():
    text = fixture_text("constructs.txt").replace("•", "・")

    report = importer.import_notes(data=text.encode("cp932"), name="sjis.txt")

    assert report.status == "created"
    assert report.encoding == "Shift_JIS"
    assert any(p.level == "info" and "Shift_JIS" in p.message for p in report.problems)
    assert Topic.objects.get(title="Attention Is All You Need").notes.startswith(
        "- 位置エンコーディングは sin/cos\n  - 今は RoPE が主流"
    )


def test_a_failing_write_rolls_the_whole_meeting_back(monkeypatch):
    text = fixture_text("constructs.txt")

    def refuse(**kwargs):
        raise ValidationError("コメントが長すぎます。")

    monkeypatch.setattr(importer, "remark_create", refuse)
    report = importer.import_notes(data=text.encode(), name="constructs.txt")

    assert report.status == "refused"
    assert [(p.line, p.message) for p in report.problems if p.level == "error"] == [
        (line_of(text, "[fr] RoPE"), "コメントが長すぎます。")
    ]
    assert all(n == 0 for n in row_counts().values())


def test_an_unexpected_error_is_reported_as_failed_and_nothing_is_half_imported(monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(importer, "deep_dive_set", explode)
    report = importer.import_notes(data=fixture_bytes("constructs.txt"), name="constructs.txt")

    assert report.status == "failed"
    assert [p.message for p in report.problems if p.level == "error"] == [
        "内部エラーで取り込めませんでした。運営者に連絡してください。"
    ]
    assert all(n == 0 for n in row_counts().values())


def test_a_title_too_long_for_the_database_is_refused_at_its_line():
    text = "2024-01-01 機械学習勉強会\n\n@A\n\n[blog] ok\n\n[blog] " + "長" * 301 + "\n"

    report = import_text(text)

    assert report.status == "refused"
    assert [p.line for p in report.problems if p.level == "error"] == [7]
    assert not Meeting.objects.exists()


def test_the_main_topic_without_presenter_goes_to_a_placeholder_kept_on_reimport():
    text = "2024-01-01 機械学習勉強会\n\n@A\n\n[blog] t\n\nメインTOPIC\n\nA Paper\n\n本文\n"
    report = import_text(text)
    assert DeepDive.objects.get().presenter.handle == importer.UNKNOWN_PRESENTER[0]
    assert [(p.line, p.level) for p in report.problems] == [(9, "warning")]

    deep_dive = DeepDive.objects.get()
    real = factories.MemberFactory(handle="sato")
    DeepDive.objects.filter(pk=deep_dive.pk).update(presenter=real)  # an organizer fixed it
    assert import_text(text).status == "unchanged"
    assert DeepDive.objects.get().presenter == real


def test_markdown_variant_imports_links_and_remarks():
    report = importer.import_notes(data=fixture_bytes("constructs.md"), name="constructs.md")

    assert (report.status, report.variant) == ("created", "markdown")
    attention = Topic.objects.get(title="Attention Is All You Need")
    assert attention.url == "https://arxiv.org/abs/1706.03762"
    assert "<strong>RoPE</strong>" in attention.notes_html
    # The code block survives (highlighted into token spans, so read its text).
    assert "@torch.compile" in re.sub(r"<[^>]+>", "", attention.notes_html)
    assert DeepDive.objects.get().paper_url == "https://arxiv.org/abs/2503.08026"
    assert sorted(Remark.objects.values_list("author__handle", "body")) == [
        ("fr", "RoPE との比較は次回やりたい"),
        ("fr", "実験設定が気になる"),
        ("ken", "outlines も読みたい"),
    ]


def _weekly_export(date: dt.date, topics: int) -> str:
    lines = [f"{date:%Y-%m-%d} 機械学習勉強会", "", "今週のTOPIC", ""]
    for i in range(topics):
        lines += [
            f"@Member {i % 3} (m{i % 3})",
            "",
            f"[blog] Topic {i}",
            "",
            "  • a",
            "    • b",
            "",
        ]
    return "\n".join(lines)


def test_queries_per_meeting_do_not_grow_with_the_archive():
    def queries(date: dt.date) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert import_text(_weekly_export(date, 6)).status == "created"
        return len(captured)

    start = dt.date(2020, 1, 3)
    import_text(_weekly_export(start, 6))  # creates the members
    early = queries(start + dt.timedelta(weeks=1))
    for week in range(2, 30):
        import_text(_weekly_export(start + dt.timedelta(weeks=week), 6))
    assert queries(start + dt.timedelta(weeks=30)) == early
