"""The whole archive as JSON and back into an empty database, losslessly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from apps.archive.archive_json import SCHEMA_VERSION, ArchiveError, archive_export, archive_import
from apps.archive.importer import import_notes
from apps.deepdives.models import DeepDive
from apps.links.metadata import Metadata
from apps.links.models import Link
from apps.links.services import link_mark_failed, link_store_metadata
from apps.meetings.models import Meeting, PresenterBlock
from apps.papers.importer import import_library
from apps.papers.models import LibraryNote, Paper, Tag
from apps.papers.services import paper_add_tags
from apps.papers.tags import normalize_tag
from apps.topics.models import Remark, Topic
from apps.topics.services import remark_update, topic_delete, topic_save
from tests import factories
from tests.archive.conftest import fixture_bytes

pytestmark = pytest.mark.django_db


def empty_the_database() -> None:
    for model in (
        LibraryNote,
        Paper,
        Tag,
        Remark,
        DeepDive,
        Topic,
        PresenterBlock,
        Meeting,
        User,
        Link,
    ):
        model.objects.all().delete()


@pytest.fixture
def archive():
    """Two imported meetings plus what members do on the board afterwards."""
    import_notes(data=fixture_bytes("constructs.txt"), name="constructs.txt")
    import_notes(data=fixture_bytes("constructs.md"), name="constructs.md")
    memray = Topic.objects.get(title="Memray", block__meeting__date="2024-06-14")
    memray.url = "https://github.com/bloomberg/memray"
    topic_save(topic=memray)
    link_store_metadata(
        link=memray.link,
        metadata=Metadata(
            title="bloomberg/memray",
            description="Memray is a memory profiler for Python",
            site_name="GitHub",
            authors=["bloomberg"],
            suggested_kind="oss",
            extra={"stars": 13_000, "language": "Python"},
        ),
        thumbnail_webp=None,
    )
    link_mark_failed(
        link=Link.objects.get(canonical_url__contains="1706.03762"),
        reason="timeout",
        message="遅い",
    )
    topic_delete(topic=Topic.objects.get(title="vLLM"))
    remark = Remark.objects.filter(author__handle="ken").first()
    remark_update(remark=remark, expected_version=remark.version, body="編集したコメント")
    factories.MemberFactory(handle="sato", display_name="Kenta Sato", is_organizer=True)
    factories.MemberFactory(handle="gone", display_name="Left Group", is_active=False)
    factories.meeting(date=Meeting.objects.order_by("date").last().date.replace(day=28))
    # The library: a member's collection, and a tag on a presented paper.
    import_library(LIBRARY_NOTES.encode(), name="notes.txt", author=User.objects.get(handle="fr"))
    paper_add_tags(paper=Paper.objects.get(key="arxiv:1706.03762"), names=[normalize_tag("NLP")])


LIBRARY_NOTES = """#RLVR
#Supervised-FineTuning (SFT)
Issue Date: 2025-03-25
[Paper Note] Scaling Laws for Reward Model Overoptimization, Leo Gao+, arXiv'22
Summary報酬モデルを**最適化**しすぎる。
Comment次回の候補。
"""


def test_export_import_export_is_lossless(archive):
    exported = archive_export()
    empty_the_database()

    counts = archive_import(data=json.loads(json.dumps(exported)))

    assert archive_export() == exported
    assert counts == {
        "members": len(exported["members"]),
        "links": 5,
        "meetings": 3,
        "topics": 8,
        "remarks": 8,
        "deep_dives": 2,
        "papers": len(exported["papers"]),
        "library_notes": 1,
    }
    keys = {paper["key"] for paper in exported["papers"]}
    assert {"arxiv:1706.03762", "title:scalinglawsforrewardmodeloveroptimization"} <= keys
    note = LibraryNote.objects.get()
    assert "<strong>最適化</strong>" in note.body_html
    assert {t.label for t in note.paper.tags.all()} == {"RLVR", "Supervised-FineTuning (SFT)"}
    # Rendered HTML is derived data: rendered again on the way in.
    assert "<ul>" in Topic.objects.get(title="Attention Is All You Need", url="").notes_html
    assert Topic.objects.get(title="vLLM").deleted_at is not None
    assert not any(user.has_usable_password() for user in User.objects.all())
    memray = Topic.objects.get(url="https://github.com/bloomberg/memray")
    assert (memray.link.status, memray.link.extra["stars"]) == ("ok", 13_000)


def test_a_failed_link_keeps_the_title_authors_and_abstract_an_earlier_fetch_found(archive):
    paper = Link.objects.get(canonical_url__contains="1706.03762")
    link_store_metadata(
        link=paper,
        metadata=Metadata(
            title="Attention Is All You Need",
            authors=["Ashish Vaswani", "Noam Shazeer"],
            description="The dominant sequence transduction models are based on RNNs.",
            suggested_kind="paper",
        ),
        thumbnail_webp=None,
    )
    link_mark_failed(link=Link.objects.get(pk=paper.pk), reason="timeout", message="遅い")
    exported = archive_export()
    empty_the_database()

    archive_import(data=json.loads(json.dumps(exported)))

    link = Link.objects.get(canonical_url__contains="1706.03762")
    assert (link.status, link.failure_reason, link.failure_message) == ("failed", "timeout", "遅い")
    assert link.title == "Attention Is All You Need"
    assert link.authors == ["Ashish Vaswani", "Noam Shazeer"]
    assert link.description == "The dominant sequence transduction models are based on RNNs."
    assert archive_export() == exported


def test_the_archive_is_documented_json(archive):
    exported = archive_export()

    assert (exported["format"], exported["schema_version"]) == ("benkyokai-archive", SCHEMA_VERSION)
    meeting = next(m for m in exported["meetings"] if m["date"] == "2024-06-14")
    first_block = meeting["presenters"][0]
    assert first_block["presenter"] == "haru"
    assert [t["title"] for t in first_block["topics"]] == [
        "Attention Is All You Need",
        "LLMにJSONを出力させる技術",
        "同じ発表者の二つ目のブロック",
    ]
    assert first_block["topics"][0]["remarks"][0] == {
        "author": "fr",
        "body": "RoPE との比較は次回やりたい",
        "version": 1,
        "created_at": first_block["topics"][0]["remarks"][0]["created_at"],
        "updated_at": first_block["topics"][0]["remarks"][0]["updated_at"],
    }
    assert meeting["deep_dive"]["presenter"] == "haru"
    links = {link["url"]: link for link in exported["links"]}
    memray = links["https://github.com/bloomberg/memray"]
    assert (memray["status"], memray["title"], memray["authors"]) == (
        "ok",
        "bloomberg/memray",
        ["bloomberg"],
    )
    assert [
        (link["status"], link["failure_reason"])
        for link in exported["links"]
        if "1706" in link["url"]
    ] == [("failed", "timeout")]
    assert "password" not in json.dumps(exported)


def test_restore_refuses_a_database_that_is_not_empty(archive):
    with pytest.raises(ArchiveError, match="空ではありません"):
        archive_import(data=archive_export())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.update(format="something"), "アーカイブ（JSON）ではありません"),
        (lambda a: a.update(schema_version=SCHEMA_VERSION + 1), "スキーマ"),
        (lambda a: a["meetings"][0].update(date="yesterday"), r"archive.meetings\[0\].date"),
        (lambda a: a["members"].pop(0), "メンバー"),
        (lambda a: a["meetings"][1]["presenters"][0]["topics"][0].update(title=None), "title"),
    ],
)
def test_a_bad_archive_is_refused_and_nothing_is_written(archive, change, message):
    exported = archive_export()
    change(exported)
    empty_the_database()

    with pytest.raises(ArchiveError, match=message):
        archive_import(data=exported)

    assert not User.objects.exists()
    assert not Meeting.objects.exists()


def test_commands_write_and_restore_a_file(archive, tmp_path):
    target = tmp_path / "archive.json"
    call_command("export_archive", "--output", str(target))
    exported = json.loads(target.read_text(encoding="utf-8"))
    empty_the_database()

    call_command("import_archive", str(target))

    assert archive_export() == exported
    with pytest.raises(CommandError, match="空ではありません"):
        call_command("import_archive", str(target))
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.json"):
        call_command("import_archive", str(tmp_path / "broken.json"))


def test_an_archive_of_schema_1_without_papers_is_still_restored(archive):
    exported = archive_export()
    empty_the_database()
    older = {k: v for k, v in exported.items() if k != "papers"} | {"schema_version": 1}
    counts = archive_import(data=json.loads(json.dumps(older)))
    assert counts["meetings"] == 3
    assert counts["library_notes"] == 0
    # Papers named by the restored links come back with them; the notes were not in it.
    assert Paper.objects.filter(key="arxiv:1706.03762").exists()
    assert not LibraryNote.objects.exists()


def _deep(levels: int):
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda a: a.update(schema_version=10**30), "archive.schema_version"),
        (lambda a: a.update(schema_version=-1), "archive.schema_version"),
        (lambda a: a.update(schema_version=2.0), "archive.schema_version"),
        (
            lambda a: a["meetings"][1]["presenters"][0]["topics"][0].update(version=10**30),
            r"archive.meetings\[1\].presenters\[0\].topics\[0\].version",
        ),
        (
            lambda a: a["meetings"][1]["presenters"][0]["topics"][0].update(version=-3),
            r"archive.meetings\[1\].presenters\[0\].topics\[0\].version",
        ),
        (lambda a: a["links"][0].update(attempts=2**40), r"archive.links\[0\].attempts"),
        (lambda a: a["links"][0].update(extra=_deep(200)), r"archive.links\[0\].extra"),
        (
            lambda a: a["meetings"][0].update(title="勉強会\ud800"),
            r"archive.meetings\[0\].title.*サロゲート",
        ),
        (
            lambda a: a["meetings"][1]["presenters"][0]["topics"][0].update(notes="a\x00b"),
            r"archive.meetings\[1\].presenters\[0\].topics\[0\].notes.*NUL",
        ),
        (lambda a: a["members"][0].update(handle="fr\x00"), r"archive.members\[0\].handle"),
    ],
)
def test_a_hostile_archive_is_refused_naming_the_field(archive, change, field):
    exported = archive_export()
    change(exported)
    empty_the_database()

    with pytest.raises(ArchiveError, match=field) as refused:
        archive_import(data=exported)

    assert "\n" not in str(refused.value)
    assert not User.objects.exists()
    assert not Meeting.objects.exists()
    assert not Link.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "入れ子が深すぎます"),
        ('{"format": "benkyokai-archive", "schema_version": ' + "9" * 5000 + "}", "digits"),
        (
            '{"format": "benkyokai-archive", "schema_version": 2, "members": ["\\ud800"]}',
            "サロゲート",
        ),
    ],
)
def test_the_command_refuses_a_hostile_file_in_one_line_with_exit_code_1(tmp_path, text, message):
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "import_archive", str(path)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        # A database of its own, never the test run's: the file must be refused before any write.
        env={
            **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        },
    )
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
