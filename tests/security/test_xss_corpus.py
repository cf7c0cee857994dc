"""The XSS corpus (corpora/xss.jsonl) through every sink a member or a fetched page can fill.

Each sink's page is rendered and parsed (tests/security/scan.py): a vector counts as *reached*
when the page holds active markup that the same page with harmless text does not. The goal,
and the assertion, is zero for every sink. tests/e2e/test_xss_corpus.py loads the same pages
in chromium with the policy removed and counts what actually ran.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.services import member_create
from apps.archive.importer import import_notes
from apps.links.metadata import Metadata
from apps.links.models import Link
from apps.links.services import link_store_metadata
from apps.meetings.models import Meeting
from apps.search.rebuild import rebuild_index
from tests import factories
from tests.security.scan import htmx_attributes, reached, xss_vectors

pytestmark = pytest.mark.django_db
VECTORS = xss_vectors()
_HANDLES = itertools.count()


def test_the_corpus_has_at_least_150_distinct_vectors():
    assert len(VECTORS) >= 150
    assert len(set(VECTORS)) == len(VECTORS)


def test_the_scanner_finds_markup_that_would_run(member_client):
    """Stored HTML that skipped the sanitizer is found, and said where."""
    baseline = _baseline_htmx(member_client, lambda m: m.get_absolute_url())
    meeting, by_anchor = fill_board(["harmless"])
    from apps.topics.models import Topic

    Topic.objects.filter(block__meeting=meeting).update(
        notes_html='<img src=x onerror=alert(1)><a href="javascript:alert(2)">x</a>'
        '<div hx-get="/accounts/logout/" hx-trigger="load"></div><script>alert(3)</script>'
    )
    meeting.revision += 1  # the cached board body is keyed by revision
    meeting.save()

    page = member_client.get(meeting.get_absolute_url()).content.decode()

    found = reached(page, baseline_htmx=baseline)
    whats = " ".join(f.what for f in found)
    assert "onerror=" in whats
    assert "javascript:alert(2)" in whats
    assert "<script" in whats
    assert {f.where for f in found} <= set(by_anchor) | {""}
    assert set(_report(found, by_anchor)) == {"harmless"}


def fill_board(vectors: list[str], *, meeting: Meeting | None = None) -> tuple[Meeting, dict]:
    """One topic per vector: title, notes, a remark, the presenter's name and the fetched
    card all carry it. Returns the meeting and {topic anchor: vector}."""
    meeting = meeting or factories.meeting()
    by_anchor = {}
    for i, vector in enumerate(vectors):
        presenter = member_create(
            handle=f"v{next(_HANDLES)}", display_name=(vector.strip() or "x")[:100]
        )
        topic = factories.topic(
            meeting=meeting,
            presenter=presenter,
            title=vector[:300],
            url=f"https://blog.example/post-{i}",
            notes=f"- vec{i}x ベクトル\n- {vector}",
        )
        factories.remark(topic=topic, body=vector)
        link = Link.objects.get(pk=topic.link_id)
        link_store_metadata(
            link=link,
            metadata=Metadata(
                title=vector,
                description=vector,
                site_name=vector[:200],
                authors=[vector[:200]],
                published=vector[:40],
                image_url=vector,
                favicon_url=vector,
                extra={
                    "comment": vector,
                    "journal_ref": vector,
                    "doi": vector,
                    "pdf_url": vector,
                    "category_names": {"cs.CL": vector},
                },
            ),
            thumbnail_webp=None,
        )
        by_anchor[topic.anchor] = vector
    return meeting, by_anchor


def _baseline_htmx(client: Client, path_for) -> set:
    meeting, _ = fill_board(["ふつうのテキスト", "plain text"], meeting=factories.meeting())
    # A card still being fetched polls for itself: the page's own request.
    factories.topic(meeting=meeting, url="https://blog.example/waiting")
    return htmx_attributes(client.get(path_for(meeting)).content.decode())


def _report(findings, by_anchor) -> dict:
    hits: dict[str, list[str]] = {}
    for finding in findings:
        vector = by_anchor.get(finding.where, finding.where)
        hits.setdefault(vector, []).append(finding.what)
    return hits


def test_board_sinks_title_notes_remark_display_name_and_fetched_card(organizer_client):
    baseline = _baseline_htmx(organizer_client, lambda m: m.get_absolute_url())
    meeting, by_anchor = fill_board(VECTORS)

    page = organizer_client.get(meeting.get_absolute_url()).content.decode()

    for anchor in list(by_anchor)[:3]:
        assert f'id="{anchor}"' in page  # the vectors are really on the page
    hits = _report(reached(page, baseline_htmx=baseline), by_anchor)
    assert len(hits) == 0, hits


@pytest.mark.parametrize("path", ["agenda", "present", "members"])
def test_other_pages_that_show_the_same_fields(organizer_client, path):
    urls = {
        "agenda": lambda m: reverse("meetings:agenda", args=[m.date]),
        "present": lambda m: reverse("meetings:present", args=[m.date]),
        "members": lambda m: reverse("members"),
    }
    baseline = _baseline_htmx(organizer_client, urls[path])
    meeting, by_anchor = fill_board(VECTORS)

    page = organizer_client.get(urls[path](meeting)).content.decode()

    hits = _report(reached(page, baseline_htmx=baseline), by_anchor)
    assert len(hits) == 0, hits


def test_guidance_and_main_topic(member_client):
    plain = factories.meeting(guidance="案内", title="t")
    factories.deep_dive(meeting=plain, title="Main", body="## 1. 本文\n\nふつう")
    baseline = htmx_attributes(member_client.get(plain.get_absolute_url()).content.decode())
    hits = {}
    for i, vector in enumerate(VECTORS):
        meeting = factories.meeting(guidance=vector)
        factories.deep_dive(
            meeting=meeting,
            title=vector[:300],
            body=f"## {vector}\n\n{vector}\n\n### x\n\n{vector}",
        )
        page = member_client.get(meeting.get_absolute_url()).content.decode()
        if found := reached(page, baseline_htmx=baseline):
            hits[i] = (vector, found)
    assert hits == {}


def _notes_file(vectors: dict[int, str]) -> tuple[str, dict[int, int]]:
    lines = ["2025-01-10 機械学習勉強会", "今週のTOPIC", ""]
    first_line = {}
    for i, vector in vectors.items():
        # A text file holds no NUL or other control characters: the importer refuses those.
        one_line = " ".join(re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", vector).split())
        first_line[len(lines) + 1] = i
        lines += [f"@Vector {i} (vi{i})", f"[blog] {one_line}", f"  • {one_line}",
                  f"  • [vi{i}] {one_line}", ""]  # fmt: skip
    return "\n".join(lines), first_line


def test_an_imported_notes_file(organizer_client):
    """A file is imported whole or refused with its line; a vector the importer refuses is
    taken out (refusing is a safe answer) and the rest imported again."""
    baseline = _baseline_htmx(organizer_client, lambda m: m.get_absolute_url())
    vectors = dict(enumerate(VECTORS))
    refused = []
    for _attempt in range(40):
        text, first_line = _notes_file(vectors)
        report = import_notes(data=text.encode(), name="vectors.txt")
        if report.ok:
            break
        for problem in report.problems:
            start = max(line for line in first_line if line <= (problem.line or 0))
            refused.append(vectors.pop(first_line[start]))
    assert report.ok, report.problems
    assert len(refused) < 25, refused
    meeting = Meeting.objects.get(date="2025-01-10")
    assert meeting.blocks.count() >= len(vectors) // 2  # the file was really read

    page = organizer_client.get(meeting.get_absolute_url()).content.decode()

    assert reached(page, baseline_htmx=baseline) == []


def test_the_search_query_and_the_snippets(member_client):
    fill_board(VECTORS)
    rebuild_index()
    baseline = htmx_attributes(member_client.get("/search/?q=ベクトル").content.decode())
    hits = {}
    for i, vector in enumerate(VECTORS):
        as_query = member_client.get("/search/", {"q": vector}).content.decode()
        snippet = member_client.get("/search/", {"q": f"vec{i}x"}).content.decode()
        assert "vec" in snippet
        found = reached(as_query, baseline_htmx=baseline) + reached(snippet, baseline_htmx=baseline)
        if found:
            hits[i] = (vector, found)
    assert hits == {}
