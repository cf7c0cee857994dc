"""`manage.py import_notes PATH... [--dry-run] [--json]`."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from apps.meetings.models import Meeting
from apps.topics.models import Topic
from tests.archive.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def test_dry_run_as_json_reports_and_writes_nothing(capsys):
    call_command("import_notes", str(FIXTURES / "constructs.txt"), "--dry-run", "--json")

    [report] = json.loads(capsys.readouterr().out)
    assert (report["name"], report["status"], report["dry_run"]) == (
        "constructs.txt",
        "created",
        True,
    )
    assert sum(1 for c in report["changes"] if c["what"] == "topic") == 5
    assert not Meeting.objects.exists()


def test_a_folder_imports_its_exports_and_a_refused_file_fails_the_command(tmp_path, capsys):
    for name in ("constructs.txt", "constructs.md", "no-date.txt"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")  # not an export: not even looked at

    with pytest.raises(CommandError, match="1 of 3 file"):
        call_command("import_notes", str(tmp_path))

    out = capsys.readouterr().out
    assert "constructs.md: 2024-06-21 機械学習勉強会 — 作成しました" in out
    assert "no-date.txt: — 取り込めません" in out
    assert "エラー: 1行目: 最初の行に日付がありません" in out
    assert Meeting.objects.count() == 2
    assert Topic.objects.count() == 8

    call_command("import_notes", str(tmp_path / "constructs.txt"))
    assert "変更はありません" in capsys.readouterr().out


def test_a_missing_path_is_an_error():
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_notes", "/nonexistent/notes.txt")
