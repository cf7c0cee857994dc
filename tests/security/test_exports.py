"""Exports carry members' text as files: a `<script>` in a note must never become a page.

The attack: a note holding `<script>` opened as /meetings/<date>.md; a browser that sniffed the
body as HTML would run it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
SCRIPT = "<script>alert(document.cookie)</script>"


def _meeting_with_script():
    meeting = factories.meeting()
    factories.topic(
        meeting=meeting,
        title=f"{SCRIPT} title",
        notes=f"- {SCRIPT}\n- <img src=x onerror=alert(1)>",
    )
    return meeting


def assert_inert(response, content_type: str, disposition: str, filename: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'{disposition}; filename="{filename}"'
    # Even a browser that rendered it would run nothing and load nothing.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_markdown_export_is_text_not_a_page(member_client):
    meeting = _meeting_with_script()
    url = reverse("archive:meeting-markdown", args=[meeting.date])

    shown = member_client.get(url)
    downloaded = member_client.get(url + "?download=1")

    name = f"{meeting.date:%Y-%m-%d}.md"
    assert_inert(shown, "text/markdown; charset=utf-8", "inline", name)
    assert_inert(downloaded, "text/markdown; charset=utf-8", "attachment", name)
    assert SCRIPT in shown.content.decode()  # the member's text, unchanged: it is a file


def test_the_json_archive_is_a_json_download_for_organizers(organizer_client):
    _meeting_with_script()

    response = organizer_client.get(reverse("archive:export-json"))

    assert response["Content-Disposition"].startswith('attachment; filename="archive-')
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    data = json.loads(response.content)
    assert SCRIPT in json.dumps(data, ensure_ascii=False)


def test_the_json_archive_is_for_organizers_only(member_client):
    from django.test import Client

    assert member_client.get(reverse("archive:export-json")).status_code == 403
    assert Client().get(reverse("archive:export-json")).status_code == 302  # to the login


def test_bibtex_downloads_are_inert_too(member_client):
    response = member_client.get(reverse("papers:library-bibtex"))

    assert_inert(response, "application/x-bibtex; charset=utf-8", "attachment", "library.bib")


def test_a_file_name_cannot_break_the_header(member_client):
    response = member_client.get(reverse("papers:library-bibtex") + '?tag=a";%0d%0aX-Evil:1')

    assert "X-Evil" not in response
    assert response["Content-Disposition"] == 'attachment; filename="library-a____X-Evil_1.bib"'
