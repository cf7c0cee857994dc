"""A meeting → Markdown in the group's layout, the export page, and the board's copy button."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.archive.exporter import meeting_markdown
from apps.archive.importer import import_notes
from apps.board.selectors import meeting_board
from apps.topics.models import Topic
from apps.topics.services import topic_save
from tests import factories
from tests.archive.conftest import fixture_bytes, import_text

pytestmark = pytest.mark.django_db

DATE = dt.date(2025, 4, 4)


def export(date: dt.date = DATE) -> str:
    return meeting_markdown(meeting=meeting_board(date=date))


@pytest.fixture
def meeting():
    meeting = factories.meeting(date=DATE, guidance="今週のTOPIC\n\n※ URLを貼りましょう。")
    haru = factories.MemberFactory(handle="haru", display_name="Haruka Mori")
    ken = factories.MemberFactory(handle="ken", display_name="Kenji Ota")
    paper = factories.topic(
        meeting=meeting,
        presenter=haru,
        kind=Topic.Kind.PAPER,
        title="Attention [Is] All You Need",
        url="https://arxiv.org/abs/1706.03762",
        notes="- 位置エンコーディング\n  - [ken] RoPE が主流",
    )
    factories.remark(topic=paper, author=ken, body="RoPE が主流")  # stands in the notes
    factories.remark(topic=paper, author=ken, body="次回は ALiBi\n比較もしたい")
    factories.topic(
        meeting=meeting, presenter=ken, kind=Topic.Kind.OSS, title="Memray", url="", notes=""
    )
    deep_dive = factories.deep_dive(
        meeting=meeting, presenter=ken, body="## 1. Introduction\n\nLLMは…"
    )
    factories.remark_create_on_deep_dive(
        deep_dive=deep_dive, author=haru, body="実験設定が気になる"
    )
    return meeting


def test_meeting_is_written_in_the_groups_layout(meeting):
    assert export() == (
        "# 2025-04-04 機械学習勉強会\n\n"
        "今週のTOPIC\n\n※ URLを貼りましょう。\n\n"
        "@Haruka Mori (haru)\n\n"
        "[論文] [Attention \\[Is\\] All You Need](https://arxiv.org/abs/1706.03762)\n\n"
        "- 位置エンコーディング\n  - [ken] RoPE が主流\n\n"
        "[ken] 次回は ALiBi\n  比較もしたい\n\n"
        "@Kenji Ota (ken)\n\n"
        "[oss] Memray\n\n"
        "メインTOPIC\n\n"
        "@Kenji Ota (ken)\n\n"
        "[Reflective Memory Management for Long-term Dialogue Agents](https://arxiv.org/abs/2503.08026)\n\n"
        "## 1. Introduction\n\nLLMは…\n\n"
        "[haru] 実験設定が気になる\n"
    )


def test_an_export_imports_back_without_changes(meeting):
    report = import_text(export(), name="2025-04-04.md")

    assert report.status == "unchanged", report.changes
    assert not report.problems


def test_an_export_restores_the_meeting_in_another_database_shape(meeting):
    """Export → delete the meeting → import → export again: the same text."""
    text = export()
    meeting.delete()

    report = import_text(text, name="2025-04-04.md")

    assert report.status == "created"
    assert export() == text


def test_a_topic_waiting_for_its_title_exports_and_imports_back(meeting):
    factories.topic(meeting=meeting, title="", url="https://github.com/bloomberg/memray", notes="")

    text = export()

    assert "\n\n[blog] https://github.com/bloomberg/memray\n\n" in text
    assert import_text(text, name="x.md").status == "unchanged"


def test_stored_lines_that_look_like_structure_are_protected(meeting):
    paper = Topic.objects.get(title="Attention [Is] All You Need")
    paper.notes = "@channel 告知\n\n[blog] 参照\n\nメインTOPIC\n\n```\n@decorator\n```"
    topic_save(topic=paper)

    text = export()
    assert (
        "&#64;channel 告知\n\n&#91;blog] 参照\n\n&#12513;インTOPIC\n\n```\n@decorator\n```" in text
    )
    report = import_text(text, name="x.md")
    assert report.ok
    assert [c.action for c in report.changes if c.what == "topic"] == ["updated", "unchanged"]
    # The entities render as the characters they stand for.
    assert "<p>@channel 告知</p>" in html.unescape(Topic.objects.get(pk=paper.pk).notes_html)
    assert import_text(export(), name="x.md").status == "unchanged"


def test_constructs_fixture_round_trips_through_markdown():
    import_notes(data=fixture_bytes("constructs.txt"), name="constructs.txt")

    report = import_text(export(dt.date(2024, 6, 14)), name="again.md")

    assert report.status == "unchanged"


def test_export_page_serves_markdown_in_a_fixed_number_of_queries(
    meeting, member_client, django_assert_num_queries
):
    url = reverse("archive:meeting-markdown", kwargs={"date": DATE})
    with CaptureQueriesContext(connection) as captured:
        response = member_client.get(url)
    expected = len(captured)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.content.decode() == export()

    for i in range(10):
        factories.topic(meeting=meeting, presenter=factories.MemberFactory(), title=f"追加 {i}")
    with django_assert_num_queries(expected):
        member_client.get(url)


def test_export_page_download_and_missing_meeting(meeting, member_client):
    url = reverse("archive:meeting-markdown", kwargs={"date": DATE})
    response = member_client.get(url + "?download=1")
    assert response["Content-Disposition"] == 'attachment; filename="2025-04-04.md"'
    missing = reverse("archive:meeting-markdown", kwargs={"date": dt.date(2000, 1, 7)})
    assert member_client.get(missing).status_code == 404


def test_export_page_needs_a_login_like_the_board(meeting):
    response = Client().get(reverse("archive:meeting-markdown", kwargs={"date": DATE}))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_board_has_a_copy_as_markdown_button(meeting, member_client):
    html = member_client.get(meeting.get_absolute_url()).content.decode()
    url = reverse("archive:meeting-markdown", kwargs={"date": DATE})
    assert f'href="{url}" data-copy-markdown' in html
    assert "archive/copy-markdown.js" in html
