"""The organizers' upload page and its report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.archive.models import ImportRun
from apps.meetings.models import Meeting
from apps.topics.models import Topic
from tests.archive.conftest import fixture_bytes, fixture_text

pytestmark = pytest.mark.django_db

URL = reverse("archive:import")


@pytest.fixture(autouse=True)
def _imports_done_at_once(imports_at_once):
    """These tests are about the page and its report."""


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_anonymous_visitors_are_sent_to_login():
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_members_may_not_import(member_client):
    assert member_client.get(URL).status_code == 403
    response = member_client.post(URL, {"files": upload("a.txt", fixture_bytes("constructs.txt"))})
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_the_menu_links_the_page_for_organizers_only(organizer_client, member):
    assert f'href="{URL}"' in organizer_client.get("/meetings/").content.decode()
    organizer_client.force_login(member)
    assert f'href="{URL}"' not in organizer_client.get("/meetings/").content.decode()


def test_the_page_needs_a_csrf_token(organizer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)

    response = client.post(URL, {"files": upload("a.txt", fixture_bytes("constructs.txt"))})

    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_the_page_shows_the_form_in_a_fixed_number_of_queries(
    organizer_client, django_assert_num_queries
):
    organizer_client.post(URL, {"files": upload("a.txt", fixture_bytes("constructs.txt"))})
    with CaptureQueriesContext(connection) as one_run:
        organizer_client.get(URL)
    expected = len(one_run)  # now: the next request resets the query log
    for _ in range(2):
        organizer_client.post(URL, {"files": upload("a.txt", fixture_bytes("constructs.txt"))})
    with django_assert_num_queries(expected):
        response = organizer_client.get(URL)
    html = response.content.decode()
    assert 'type="file"' in html
    assert "multiple" in html
    assert "csrfmiddlewaretoken" in html
    assert html.count("/notes/import/") >= 3  # recent runs link to their reports


def test_an_upload_imports_and_redirects_to_its_report(organizer_client, organizer):
    response = organizer_client.post(
        URL, {"files": upload("constructs.txt", fixture_bytes("constructs.txt"))}
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert (run.uploaded_by, run.dry_run) == (organizer, False)
    assert Topic.objects.count() == 5

    html = organizer_client.get(run.get_absolute_url()).content.decode()
    assert "constructs.txt" in html
    assert "作成しました" in html
    assert 'href="/meetings/2024-06-14/"' in html
    assert "トピック 作成 5" in html
    assert "同じ発表者としてまとめました" in html


def test_bad_files_get_a_clear_report_never_an_error_page(organizer_client):
    text = fixture_text("constructs.txt")
    files = [
        upload("good.txt", fixture_bytes("constructs.md")),
        upload("empty.txt", b""),
        upload("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)),
        upload("sjis.txt", text.replace("•", "・").encode("cp932")),
        upload("no-date.txt", fixture_bytes("no-date.txt")),
        upload("no-presenter.txt", fixture_bytes("no-presenter.txt")),
        upload("big.txt", b"2024-01-01 x\n" + b"a" * (10 * 1024 * 1024)),
        upload("readme.txt", fixture_bytes("not-notes.txt")),
    ]

    response = organizer_client.post(URL, {"files": files}, follow=True)

    assert response.status_code == 200
    statuses = [(f["name"], f["status"]) for f in ImportRun.objects.get().report]
    assert statuses == [
        ("good.txt", "created"),
        ("empty.txt", "refused"),
        ("photo.jpg", "refused"),
        ("sjis.txt", "created"),
        ("no-date.txt", "refused"),
        ("no-presenter.txt", "refused"),
        ("big.txt", "refused"),
        ("readme.txt", "refused"),
    ]
    html = response.content.decode()
    for message in (
        "ファイルが空です",
        "バイナリ",
        "文字コード Shift_JIS として読みました",
        "最初の行に日付がありません",
        "発表者（@名前）の行より前にトピックがあります",
        "ファイルが大きすぎます（10.0 MB）",
        "ノートのエクスポートではありません",
    ):
        assert message in html
    assert "5行目" in html  # the topic with no presenter
    assert sorted(str(d) for d in Meeting.objects.values_list("date", flat=True)) == [
        "2024-06-14",
        "2024-06-21",
    ]


def test_dry_run_upload_reports_and_saves_nothing(organizer_client):
    response = organizer_client.post(
        URL,
        {"files": upload("c.txt", fixture_bytes("constructs.txt")), "dry_run": "on"},
        follow=True,
    )

    html = response.content.decode()
    assert "作成されます" in html
    assert "何も保存していません" in html
    assert not Meeting.objects.exists()
    assert ImportRun.objects.get().dry_run is True


def test_posting_without_files_shows_the_form_again(organizer_client):
    response = organizer_client.post(URL, {})
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_report_page_takes_a_fixed_number_of_queries(organizer_client, django_assert_num_queries):
    organizer_client.post(URL, {"files": [upload("0.txt", fixture_bytes("constructs.txt"))]})
    with CaptureQueriesContext(connection) as one_file:
        organizer_client.get(ImportRun.objects.get().get_absolute_url())
    expected = len(one_file)  # now: the next request resets the query log
    files = [upload(f"{i}.txt", fixture_bytes("constructs.txt")) for i in range(3)]
    organizer_client.post(URL, {"files": files})
    with django_assert_num_queries(expected):
        response = organizer_client.get(ImportRun.objects.latest("pk").get_absolute_url())
    assert response.content.decode().count("import-file status-") == 3


def test_reports_are_for_organizers(organizer_client, member):
    organizer_client.post(URL, {"files": upload("c.txt", fixture_bytes("constructs.txt"))})
    url = ImportRun.objects.get().get_absolute_url()
    missing = reverse("archive:import-report", kwargs={"run_id": 999})
    assert organizer_client.get(missing).status_code == 404
    organizer_client.force_login(member)
    assert organizer_client.get(url).status_code == 403
