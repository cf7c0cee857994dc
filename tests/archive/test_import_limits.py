"""Imports can't lock the board: per-field caps, a cap on people, Markdown rendered before the
transaction, a deadline; and a huge accepted import does not block a login or a board view."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.archive.import_limits import (
    MAX_NEW_MEMBERS_PER_FILE,
    MAX_PRESENTERS_PER_FILE,
    MAX_REMARKS_PER_FILE,
)
from apps.archive.importer import import_notes
from apps.core.markdown import render as markdown_render
from apps.core.markdown.limits import REMARK_MAX_CHARS, TOPIC_NOTES_MAX_CHARS
from apps.meetings.models import Meeting
from apps.topics.models import Remark, Topic
from tests import factories

HEAD = "2025-03-28 機械学習勉強会\n\n今週のTOPIC\n\n"


def presenter_block(n: int, notes: str = "  • メモ", title: str = "") -> str:
    return f"@Member {n} (p{n})\n\n[blog] {title or f'話題 {n}'}\n\n{notes}\n\n"


def imported(text: str, **kwargs):
    return import_notes(data=text.encode(), name="notes.txt", **kwargs)


def nothing_written() -> bool:
    return not Meeting.objects.exists() and not Topic.objects.exists()


@pytest.mark.django_db
def test_notes_longer_than_the_forms_allow_are_refused_at_their_line():
    text = HEAD + presenter_block(1) + presenter_block(2, "  • " + "あ" * TOPIC_NOTES_MAX_CHARS)
    report = imported(text)
    assert report.status == "refused"
    [problem] = [p for p in report.problems if p.level == "error"]
    assert problem.line == text.splitlines().index("[blog] 話題 2") + 1
    assert f"{TOPIC_NOTES_MAX_CHARS:,}字まで" in problem.message
    assert nothing_written()


@pytest.mark.django_db
def test_a_remark_longer_than_the_form_allows_is_refused():
    text = HEAD + presenter_block(1, "  • a\n    [fr] " + "x" * (REMARK_MAX_CHARS + 1))
    report = imported(text)
    assert report.status == "refused"
    assert any("コメント" in p.message for p in report.problems)
    assert nothing_written()


@pytest.mark.django_db
def test_too_many_presenter_blocks_are_one_clear_refusal():
    text = HEAD + "".join(presenter_block(n) for n in range(MAX_PRESENTERS_PER_FILE + 50))
    report = imported(text)
    assert report.status == "refused"
    errors = [p for p in report.problems if p.level == "error"]
    assert len(errors) == 1
    assert f"{MAX_PRESENTERS_PER_FILE}人まで" in errors[0].message
    assert nothing_written()
    assert factories.User.objects.count() == 0


@pytest.mark.django_db
def test_a_file_creating_too_many_members_is_refused_naming_the_first_one_over():
    remarks = "".join(f"    [r{n}] コメント {n}\n" for n in range(MAX_NEW_MEMBERS_PER_FILE + 5))
    text = HEAD + presenter_block(1, "  • 箇条書き\n" + remarks)
    report = imported(text)
    assert report.status == "refused"
    [error] = [p for p in report.problems if p.level == "error"]
    assert f"{MAX_NEW_MEMBERS_PER_FILE}人まで" in error.message
    assert f"@r{MAX_NEW_MEMBERS_PER_FILE - 1}" in error.message  # the first one over the cap
    assert factories.User.objects.count() == 0
    assert not Remark.objects.exists()


@pytest.mark.django_db
def test_too_many_remarks_are_one_clear_refusal():
    remarks = "".join(f"    [fr] {n}\n" for n in range(MAX_REMARKS_PER_FILE + 1))
    report = imported(HEAD + presenter_block(1, "  • 箇条書き\n" + remarks))
    assert report.status == "refused"
    errors = [p.message for p in report.problems if p.level == "error"]
    count, limit = f"{MAX_REMARKS_PER_FILE + 1:,}", f"{MAX_REMARKS_PER_FILE:,}"
    assert errors == [f"コメントが{count}件あります。1ファイルに{limit}件までです。"]
    assert nothing_written()


@pytest.mark.django_db
def test_a_file_not_rendered_by_its_deadline_fails_and_writes_nothing():
    report = imported(HEAD + presenter_block(1), deadline=time.monotonic() - 1)
    assert report.status == "failed"
    assert "制限時間" in report.problems[-1].message
    assert nothing_written()


@pytest.mark.django_db(transaction=True)
def test_markdown_is_rendered_before_the_transaction_opens(monkeypatch):
    in_transaction: list[bool] = []
    real = markdown_render._markdown  # every render asks for its (per-thread) parser here

    def spy():
        in_transaction.append(connection.in_atomic_block)
        return real()

    monkeypatch.setattr(markdown_render, "_markdown", spy)
    text = HEAD + "".join(
        presenter_block(n, f"  • **太字** {n}\n    [fr] *いいね* {n}") for n in range(5)
    )
    report = imported(text)
    assert report.status == "created"
    assert Topic.objects.count() == 5
    assert in_transaction
    assert not any(in_transaction), "Markdown was rendered while the write lock was held"


# Each topic's notes: a long list at the notes limit, about 0.1–0.3 s to render.
HEAVY_NOTES = "".join(f"  • 項目 {n} **太字** `code`\n" for n in range(TOPIC_NOTES_MAX_CHARS // 34))
REQUEST_BOUND_SECONDS = 3.0


@pytest.mark.django_db(transaction=True)
def test_a_huge_import_does_not_block_a_login_or_a_board_view():
    meeting = factories.meeting(date=dt.date(2025, 3, 28))
    member = factories.MemberFactory(handle="reader")
    text = HEAD.replace("2025-03-28", "2025-04-04") + "".join(
        presenter_block(n, HEAVY_NOTES) for n in range(30)
    )
    assert len(text) < 2 * 1024 * 1024
    done: dict[str, object] = {}

    def run_import():
        try:
            done["report"] = imported(text)
        finally:
            connection.close()

    worker = threading.Thread(target=run_import)
    timings: list[tuple[str, int, float]] = []
    board = reverse("meetings:detail", kwargs={"date": meeting.date})
    worker.start()
    try:
        while worker.is_alive():
            client = Client()
            start = time.perf_counter()
            login = client.post(
                reverse("login"), {"username": member.username, "password": "benkyokai-pass"}
            )
            timings.append(("login", login.status_code, time.perf_counter() - start))
            start = time.perf_counter()
            page = client.get(board)
            timings.append(("board", page.status_code, time.perf_counter() - start))
    finally:
        worker.join()
        connection.close()

    assert done["report"].status == "created", done["report"].problems
    assert Topic.objects.filter(block__meeting__date="2025-04-04").count() == 30
    assert len(timings) >= 6, "the import ended before the test could make requests beside it"
    assert {status for name, status, _s in timings if name == "login"} == {302}
    assert {status for name, status, _s in timings if name == "board"} == {200}
    slowest = max(seconds for *_rest, seconds in timings)
    assert slowest < REQUEST_BOUND_SECONDS, f"a request waited {slowest:.1f}s for the import"
