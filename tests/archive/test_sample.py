"""The real export from ../shared/samples: our users' data, imported as they would import it."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.archive import importer
from apps.archive.exporter import meeting_markdown
from apps.board.selectors import meeting_board
from apps.deepdives.models import DeepDive
from apps.meetings.models import Meeting
from apps.topics.models import Topic
from tests.archive.conftest import import_text, line_of

pytestmark = pytest.mark.django_db

# Counted by hand from notes-export-2025-03-28.txt.
PRESENTERS = [
    ("Naoto Shimakoshi", "naoto-shimakoshi"),
    ("Shun Ito", "shun-ito"),
    ("Ryosuke Fukazawa", "qluto"),  # `@qluto (Ryosuke Fukazawa)`
    ("Yosuke Yoshida", "yosuke-yoshida"),
    ("Takumi Iida", "frkake"),  # `@Takumi Iida (frkake)`
]
TOPICS = [
    ("Naoto Shimakoshi", "blog", "GPT-4oとGemini-2.0の画像生成能力はいかにして作られているのか"),
    ("Naoto Shimakoshi", "blog", "LLMにJSONやソースコードを出力させるStructured Generationの技術"),
    ("Shun Ito", "blog", "RAGの検索性能を90%も低下させるテキストの落とし穴"),
    ("Ryosuke Fukazawa", "blog", "Foundation Model for Personalized Recommendation"),
    ("Yosuke Yoshida", "oss", "Memray"),
    ("Takumi Iida", "blog", "FP8 trainingを支える技術 1"),
]
SECTIONS = [
    "1. Introduction",
    "2. Related Work",
    "3. Problem Formulation",
    "4. Framework Overview",
    "5. Prospective Reflection: Topic-Based Memory Organization",
    "6. Retrospective Reflection: Retrieval Refinement via LLM Attribution",
    "7. Experimental Setup",
    "8. Experimental Results",
]


def test_the_real_export_imports_with_its_presenters_topics_kinds_and_main_topic(sample_text):
    report = import_text(sample_text, name="notes-export-2025-03-28.txt")

    assert report.status == "created"
    meeting = Meeting.objects.get()
    assert (meeting.date, meeting.title) == (dt.date(2025, 3, 28), "機械学習勉強会")
    assert meeting.guidance == (
        "今週のTOPIC\n\n"
        "※ [論文] [blog] など何に関するTOPICなのかパッと見で分かるようにしましょう。\n"
        "出典を埋め込みURLにしましょう。"
    )
    blocks = list(meeting.blocks.select_related("presenter").order_by("position"))
    assert [(b.presenter.display_name, b.presenter.handle) for b in blocks] == PRESENTERS
    topics = Topic.objects.select_related("block__presenter").order_by(
        "block__position", "position"
    )
    assert [(t.block.presenter.display_name, t.kind, t.title) for t in topics] == TOPICS
    assert sorted(Topic.objects.values_list("kind", flat=True)) == ["blog"] * 5 + ["oss"]

    memray = Topic.objects.get(title="Memray")
    assert memray.notes == (
        "- Bloombergが開発したPythonのメモリプロファイラ\n- 特徴\n"
        "  - サンプリングせずにすべての関数呼び出しを追跡\n"
        "  - C/C++ライブラリ内もプロファイル可能\n"
        "  - 高速\n  - 収集したメモリ使用データをもとに、さまざまなレポートを生成\n- usage\n"
        "  - CLI\n  - フレームグラフ\n  - live mode\n  - withブロックでコードを部分的にプロファイル"
    )
    netflix = Topic.objects.get(title="Foundation Model for Personalized Recommendation")
    assert netflix.notes.startswith("Netflixの推薦の最近。\n\nNetflixでは")
    assert (
        "\n\n「トークン」はどのように扱われているか?\n\n- ユーザーの1つひとつの行動"
        in netflix.notes
    )
    assert "    - ロケール(地域設定)" in netflix.notes  # third level

    deep_dive = DeepDive.objects.get()
    assert deep_dive.title == (
        "In Prospect and Retrospect: Reflective Memory Management for Long-term "
        "Personalized Dialogue Agents"
    )
    assert deep_dive.body.startswith(
        "Agent の長期記憶手法に関するGoogleらの論文\n\n## サマリー\n\n"
    )
    for section in SECTIONS:
        assert f"\n### {section}\n" in deep_dive.body
        assert f">{section}</a>" in deep_dive.toc_html
    for label in (
        "従来手法の問題点",
        "システム構成",
        "Main Results",
        "Validation of Citation Scores",
    ):
        assert f"\n#### {label}\n" in deep_dive.body
    assert deep_dive.body.endswith("##### Offline Supervised Training")
    assert deep_dive.presenter.handle == importer.UNKNOWN_PRESENTER[0]
    assert [(p.line, p.level) for p in report.problems] == [
        (line_of(sample_text, "In Prospect and Retrospect"), "warning")
    ]


def test_the_real_export_shows_on_the_board(sample_text, member_client):
    import_text(sample_text)

    html = member_client.get("/meetings/2025-03-28/").content.decode()

    for _presenter, _kind, title in TOPICS:
        assert title in html
    assert "@Ryosuke Fukazawa" in html
    assert 'id="h-8-experimental-results"' in html


def test_the_real_export_survives_markdown_export_and_reimport_unchanged(sample_text):
    import_text(sample_text)
    exported = meeting_markdown(meeting=meeting_board(date=dt.date(2025, 3, 28)))

    report = import_text(exported, name="2025-03-28.md")

    assert (report.status, report.variant) == ("unchanged", "markdown")
    assert not report.problems
