"""Library papers known only by their titles are searched on arXiv, like URL-less topics.

arXiv is a local fake (tests/links/fake_arxiv.py) serving recorded-format Atom feeds.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.links import tasks as link_tasks
from apps.papers import tasks, title_search
from apps.papers.importer import import_library
from apps.papers.models import LibraryNote, Paper, PaperMatch
from tests import factories
from tests.links.fake_arxiv import (
    ATTENTION_PHRASE,
    MEMORY_TERMS,
    MEMORY_TITLE,
    fake_arxiv,
)

pytestmark = pytest.mark.django_db
Status = PaperMatch.Status


@pytest.fixture
def arxiv(httpserver, settings):
    return fake_arxiv(httpserver, settings)


@pytest.fixture
def started(monkeypatch) -> list[bool]:
    """Each time a search run would be queued (the broker is not part of these tests)."""
    runs: list[bool] = []
    monkeypatch.setattr(tasks, "schedule_paper_searches", lambda: runs.append(True))
    return runs


def tagged_note(title: str, tag: str = "NLP") -> bytes:
    return (
        f"#{tag}\nIssue Date: 2025-03-25\n[Paper Note] {title}, Jane Roe+, arXiv'25\n"
        "Summary要点。\nComment次回。\n"
    ).encode()


def test_an_import_queues_each_title_only_paper_once_and_a_dry_run_none(
    member, started, django_capture_on_commit_callbacks
):
    data = tagged_note("Attention Is All You Need")
    dry = import_library(data, name="n.txt", author=member, dry_run=True)
    assert dry.searches_queued == 0
    assert not PaperMatch.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = import_library(data, name="n.txt", author=member)
    assert report.searches_queued == 1
    match = PaperMatch.objects.get()
    assert (match.paper.key, match.topic, match.status) == (
        "title:attentionisallyouneed",
        None,
        Status.PENDING,
    )
    assert started == [True]
    with django_capture_on_commit_callbacks(execute=True):
        again = import_library(
            tagged_note("Attention Is All You Need", "LLM"), name="n.txt", author=member
        )
    assert again.searches_queued == 0
    assert PaperMatch.objects.count() == 1
    assert started == [True]


def test_a_paper_with_an_id_is_not_searched(member, started):
    data = (
        "# Attention Is All You Need\n\n[View Paper](https://arxiv.org/abs/1706.03762)\n\n"
        "## 1. 何をした？\n\nTransformer。\n"
    ).encode()
    report = import_library(data, name="s.md", author=member)
    assert (report.notes_created, report.searches_queued) == (1, 0)
    assert not PaperMatch.objects.exists()


def test_an_exact_match_gives_the_paper_its_arxiv_id_and_fetches_the_card(
    member, arxiv, started, monkeypatch, django_capture_on_commit_callbacks
):
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")
    batches = []
    monkeypatch.setattr(link_tasks, "schedule_arxiv_batch", lambda: batches.append(True))
    monkeypatch.setattr(link_tasks.fetch_link, "delay", lambda link_id: batches.append(link_id))
    import_library(tagged_note("Attention is all you need"), name="n.txt", author=member)
    paper = Paper.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        assert title_search.search_pending() == 1

    paper.refresh_from_db()
    match = PaperMatch.objects.get()
    assert paper.key == "arxiv:1706.03762"
    assert (match.status, match.arxiv_id, match.paper_id) == (
        Status.MATCHED,
        "1706.03762",
        paper.pk,
    )
    assert paper.links.get().link.canonical_url == "https://arxiv.org/abs/1706.03762"
    assert batches  # the card is fetched like any pasted paper
    assert LibraryNote.objects.get().paper == paper
    # Re-importing the note finds the paper by its title: nothing new, nothing searched again.
    again = import_library(tagged_note("Attention is all you need"), name="n.txt", author=member)
    assert (again.papers_created, again.notes_unchanged, again.searches_queued) == (0, 1, 0)


def test_an_exact_match_joins_the_paper_the_group_already_has_under_that_id(
    member, arxiv, started, django_capture_on_commit_callbacks
):
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")
    import_library(
        tagged_note("Attention is all you need", "Transformer"), name="n.txt", author=member
    )
    waiting = Paper.objects.get()
    # Meanwhile someone pastes the paper's URL with another title (the card is not fetched yet).
    topic = factories.topic(kind="paper", url="https://arxiv.org/abs/1706.03762", title="原論文")
    known = Paper.objects.get(key="arxiv:1706.03762")
    assert known.pk != waiting.pk

    with django_capture_on_commit_callbacks(execute=True):
        title_search.search_pending()

    assert list(Paper.objects.values_list("pk", flat=True)) == [known.pk]
    assert LibraryNote.objects.get().paper_id == known.pk
    assert known.tags.filter(slug="transformer").exists()
    assert PaperMatch.objects.get().paper_id == known.pk
    assert topic.link.paper_link.paper_id == known.pk


def test_near_matches_are_suggested_on_the_paper_page_and_an_organizer_picks_one(
    member, organizer_client, arxiv, started, django_capture_on_commit_callbacks
):
    arxiv.answer(MEMORY_TERMS, "arxiv_search_memory.xml")
    import_library(tagged_note(MEMORY_TITLE), name="n.txt", author=member)
    paper = Paper.objects.get()
    title_search.search_pending()
    match = PaperMatch.objects.get()
    assert match.status == Status.SUGGESTED

    client = Client()
    client.force_login(member)
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "2503.08026" in page
    assert "この論文にする" not in page  # members see the candidates; organizers decide
    page = organizer_client.get(paper.get_absolute_url()).content.decode()
    assert "この論文にする" in page
    # The organizers' page of URL-less topics does not list library papers.
    listing = organizer_client.get(reverse("papers:matches")).content.decode()
    assert MEMORY_TITLE not in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("papers:match-confirm", args=[match.pk]),
            {"arxiv_id": "2503.08026", "paper": paper.pk},
        )
    assert response.status_code == 302
    assert response["Location"] == paper.get_absolute_url()
    paper.refresh_from_db()
    match.refresh_from_db()
    assert paper.key == "arxiv:2503.08026"
    assert match.status == Status.CONFIRMED
    assert "arXivでの照合" not in organizer_client.get(paper.get_absolute_url()).content.decode()
