"""The paper library: papers from pastes and from members' collections, the pages, BibTeX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.links.models import Link
from apps.papers.importer import import_library
from apps.papers.models import LibraryNote, Paper, PaperLink, Tag
from apps.topics.models import Topic
from tests import factories

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
SUMMARIES = "paper-summaries-sample.md"
TAGGED = "paper-notes-sample.txt"
DIGEST = "weekly-digest-sample.txt"


def sample(name: str) -> bytes:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"the members' samples are not here: {path} (../shared/samples)")
    return path.read_bytes()


# --- a paper is one work, however it was met ------------------------------------------------


def test_a_pasted_arxiv_url_in_any_form_is_one_paper():
    one = factories.topic(kind=Topic.Kind.PAPER, url="https://arxiv.org/abs/1706.03762")
    other = factories.topic(kind=Topic.Kind.PAPER, url="https://arxiv.org/pdf/1706.03762v7")
    hf = factories.topic(kind=Topic.Kind.PAPER, url="https://huggingface.co/papers/1706.03762")
    paper = Paper.objects.get()
    assert paper.key == "arxiv:1706.03762"
    assert {one.link_id, other.link_id, hf.link_id} == {
        pl.link_id for pl in PaperLink.objects.all()
    }


def test_a_blog_post_is_no_paper_and_a_doi_or_openreview_url_is():
    factories.topic(url="https://zenn.dev/someone/articles/rag-bias")
    factories.topic(kind=Topic.Kind.PAPER, url="https://doi.org/10.1145/3580305.3599256")
    factories.topic(kind=Topic.Kind.PAPER, url="https://openreview.net/forum?id=AbCd123")
    assert sorted(Paper.objects.values_list("key", flat=True)) == [
        "doi:10.1145/3580305.3599256",
        "openreview:AbCd123",
    ]


def test_the_paper_takes_the_cards_title_authors_and_abstract_when_fetched():
    from apps.links.metadata import Metadata
    from apps.links.services import link_store_metadata

    topic = factories.topic(kind=Topic.Kind.PAPER, url="https://arxiv.org/abs/1706.03762")
    metadata = Metadata(
        title="Attention Is All You Need",
        authors=["Ashish Vaswani", "Noam Shazeer"],
        published="2017-06-12T17:57:34+00:00",
        extra={"categories": ["cs.CL", "cs.LG"], "abstract": "The dominant sequence models…"},
    )
    link_store_metadata(link=topic.link, metadata=metadata, thumbnail_webp=None)
    paper = Paper.objects.get()
    assert paper.title == "Attention Is All You Need"
    assert paper.authors == ["Ashish Vaswani", "Noam Shazeer"]
    assert paper.published == dt.date(2017, 6, 12)
    assert paper.categories == ["cs.CL", "cs.LG"]
    assert paper.abstract.startswith("The dominant")


# --- importing the members' collections -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "notes"),
    [(SUMMARIES, "summaries", 4), (TAGGED, "tagged_notes", 19), (DIGEST, "digest", 10)],
)
def test_each_collection_format_imports_as_notes_and_a_second_import_changes_nothing(
    member, name, fmt, notes
):
    report = import_library(sample(name), name=name, author=member)
    assert (report.format, report.refused, report.notes_created) == (fmt, False, notes)
    assert LibraryNote.objects.filter(author=member).count() == notes
    papers = Paper.objects.count()
    again = import_library(sample(name), name=name, author=member)
    assert (again.notes_created, again.notes_updated, again.notes_unchanged) == (0, 0, notes)
    assert Paper.objects.count() == papers


def test_summaries_keep_their_numbered_sections_and_link_the_arxiv_paper(member):
    import_library(sample(SUMMARIES), name=SUMMARIES, author=member)
    note = LibraryNote.objects.filter(source="summaries").order_by("pk").first()
    assert note.paper.key.startswith("arxiv:")
    assert len(note.sections) >= 5
    assert note.sections[0]["number"] == 1
    assert "<h3" in note.body_html  # sections rendered once, at save time
    assert Link.objects.filter(canonical_url=f"https://arxiv.org/abs/{note.paper.identifier}")


def test_tagged_notes_keep_tags_normalized_and_the_digest_keeps_q_and_a(member):
    import_library(sample(TAGGED), name=TAGGED, author=member)
    import_library(sample(DIGEST), name=DIGEST, author=member)
    assert Tag.objects.filter(slug="nlp").exists()
    sft = Tag.objects.get(label__startswith="Supervised-FineTuning")
    assert sft.papers.exists()
    digest = LibraryNote.objects.filter(source="digest").exclude(qa=[]).first()
    assert digest.qa[0]["question"]
    assert digest.qa[0]["answer"]


def test_an_edited_file_updates_the_note_that_changed(member):
    original = sample(TAGGED).decode("utf-8")
    import_library(original.encode(), name=TAGGED, author=member)
    needle = "データセットやコードは公開されている。"
    assert needle in original
    edited = original.replace(needle, "データセットとコードは公開済み。", 1)
    report = import_library(edited.encode(), name=TAGGED, author=member)
    assert report.notes_updated == 1
    assert LibraryNote.objects.filter(summary__contains="公開済み").count() == 1


def test_a_dry_run_writes_nothing(member):
    report = import_library(sample(DIGEST), name=DIGEST, author=member, dry_run=True)
    assert report.notes_created == 10
    assert report.dry_run
    assert not LibraryNote.objects.exists()
    assert not Paper.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空です"),
        (b"\x00\x01\x02binary", "バイナリ"),
        (b"x" * (2 * 1024 * 1024 + 1), "大きすぎます"),
        ("2025-03-28 機械学習勉強会\n\n@fr\n[論文] Title\n".encode(), "形式"),
        (b"```\n# not a title\n```\n", ""),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_is_written(member, data, message):
    report = import_library(data, name="notes.md", author=member)
    assert report.refused
    assert message in " ".join(p.message for p in report.problems)
    assert not LibraryNote.objects.exists()
    assert not Paper.objects.exists()


def test_a_500_character_tag_is_cut_with_a_warning_and_the_note_still_imported(member):
    text = sample(TAGGED).decode("utf-8")
    text = text.replace("#Pocket", "#" + "L" * 500, 1)
    report = import_library(text.encode(), name=TAGGED, author=member)
    assert not report.refused
    assert report.notes_created == 19
    (long_tag,) = Tag.objects.filter(label__startswith="LLLL")
    assert len(long_tag.label) == 100
    assert any(p.level == "warning" and p.line == 2 for p in report.problems)


def test_the_command_imports_as_the_named_member(member, capsys):
    from django.core.management import call_command

    call_command("import_library", str(SAMPLES / DIGEST), "--by", member.handle)
    assert "10 new note(s)" in capsys.readouterr().out
    assert LibraryNote.objects.filter(author=member).count() == 10


# --- the pages ------------------------------------------------------------------------------


def _paper_with_history(n_topics: int = 1) -> Paper:
    url = "https://arxiv.org/abs/2503.08026"
    for i in range(n_topics):
        meeting = factories.meeting(date=dt.date(2025, 1, 3) + dt.timedelta(weeks=i))
        topic = factories.topic(
            meeting=meeting, kind=Topic.Kind.PAPER, url=url, title=f"RMM {i}", notes=f"- 要点 {i}"
        )
        factories.remark(topic=topic, body=f"面白い {i}")
    return Paper.objects.get(key="arxiv:2503.08026")


def test_the_paper_page_shows_every_meeting_notes_and_remarks(member_client, member):
    paper = _paper_with_history(2)
    main = factories.meeting(date=dt.date(2025, 6, 6))
    factories.deep_dive(meeting=main, paper_url="https://arxiv.org/pdf/2503.08026v2")
    response = member_client.get(paper.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "要点 0" in html
    assert "要点 1" in html
    assert "面白い 1" in html
    assert "メインTOPIC" in html
    assert "2025-06-06" in html


def test_the_paper_page_takes_the_same_queries_for_one_or_many_encounters(
    member_client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paper = _paper_with_history(1)
    with CaptureQueriesContext(connection) as one:
        member_client.get(paper.get_absolute_url())
    for i in range(1, 6):
        meeting = factories.meeting(date=dt.date(2024, 1, 5) + dt.timedelta(weeks=i))
        topic = factories.topic(
            meeting=meeting, kind=Topic.Kind.PAPER, url="https://arxiv.org/abs/2503.08026"
        )
        factories.remark(topic=topic)
    with CaptureQueriesContext(connection) as six:
        member_client.get(paper.get_absolute_url())
    assert len(one) > 5  # the page really reads the database
    assert len(six) == len(one)


def test_a_member_adds_a_note_and_tags_on_the_paper_page(member_client, member):
    paper = _paper_with_history()
    response = member_client.post(
        reverse("papers:note-create", args=[paper.pk]),
        {"summary": "実装が**シンプル**", "tags": "#RLVR, 強化学習"},
    )
    assert response.status_code == 302
    note = LibraryNote.objects.get(author=member)
    assert "<strong>シンプル</strong>" in note.body_html
    assert {t.label for t in paper.tags.all()} == {"RLVR", "強化学習"}
    member_client.post(reverse("papers:tags-add", args=[paper.pk]), {"tags": "＃ｒｌｖｒ NLP"})
    assert sorted(t.slug for t in paper.tags.all()) == ["nlp", "rlvr", "強化学習"]


def test_a_bad_tag_is_refused_with_its_reason_and_the_note_text_kept(member_client):
    paper = _paper_with_history()
    response = member_client.post(
        reverse("papers:note-create", args=[paper.pk]),
        {"summary": "残したい文章", "tags": "#" + "x" * 200},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "残したい文章" in html
    assert not LibraryNote.objects.exists()


def test_writing_needs_a_login(client):
    paper = _paper_with_history()
    response = client.post(reverse("papers:note-create", args=[paper.pk]), {"summary": "x"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not LibraryNote.objects.exists()


def test_the_library_filters_by_tag_presented_and_member(member_client, member):
    _paper_with_history()
    import_library(sample(TAGGED), name=TAGGED, author=member)
    library = reverse("papers:library")
    everything = member_client.get(library).content.decode()
    assert "Motif 2.6B Technical Report" in everything
    presented = member_client.get(library, {"presented": "yes"}).content.decode()
    assert "arxiv:2503.08026" in presented
    assert "Motif 2.6B" not in presented
    not_yet = member_client.get(library, {"presented": "no"}).content.decode()
    assert "Motif 2.6B" in not_yet
    assert "arxiv:2503.08026" not in not_yet
    tagged = member_client.get(library, {"tag": "pretraining"}).content.decode()
    assert "Motif 2.6B" in tagged
    by_member = member_client.get(library, {"by": member.handle}).content.decode()
    assert "Motif 2.6B" in by_member
    assert "arxiv:2503.08026" not in by_member


def test_the_library_filters_by_arxiv_category_on_either_database(member_client):
    Paper.objects.create(
        key="arxiv:2501.00001", title="Speech paper", categories=["cs.CL", "cs.SD"]
    )
    Paper.objects.create(key="arxiv:2501.00002", title="Vision paper", categories=["cs.CLX"])
    page = member_client.get(reverse("papers:library"), {"category": "cs.CL"})
    assert page.status_code == 200
    assert "Speech paper" in page.content.decode()
    assert "Vision paper" not in page.content.decode()


def test_the_upload_page_imports_a_members_file(member_client, member):
    upload = SimpleUploadedFile(DIGEST, sample(DIGEST), content_type="text/plain")
    response = member_client.post(reverse("papers:import"), {"files": [upload]})
    assert response.status_code == 200
    assert "新しいノート 10件" in response.content.decode()
    assert LibraryNote.objects.filter(author=member).count() == 10


# --- BibTeX ---------------------------------------------------------------------------------


def test_bibtex_for_a_paper_a_meeting_a_tag_and_the_library(member_client, member):
    paper = _paper_with_history()
    paper.title, paper.authors, paper.published = "RMM", ["Zhen Tan"], dt.date(2025, 3, 11)
    paper.save()
    one = member_client.get(reverse("papers:bibtex", args=[paper.pk]))
    assert one["Content-Type"].startswith("application/x-bibtex")
    body = one.content.decode()
    assert "eprint = {2503.08026}" in body
    assert "archivePrefix = {arXiv}" in body
    meeting = Topic.objects.get().block.meeting
    per_meeting = member_client.get(reverse("papers:meeting-bibtex", args=[meeting.date]))
    assert "2503.08026" in per_meeting.content.decode()
    Tag.objects.create(slug="memory", label="Memory").papers.add(paper)
    tagged = member_client.get(reverse("papers:library-bibtex"), {"tag": "memory"})
    assert "2503.08026" in tagged.content.decode()
    empty = member_client.get(reverse("papers:library-bibtex"), {"tag": "nothing"})
    assert "@" not in empty.content.decode()


def test_a_note_named_only_by_title_joins_the_paper_the_group_already_has(member):
    topic = factories.topic(kind=Topic.Kind.PAPER, url="https://arxiv.org/abs/2210.10760")
    paper = Paper.objects.get()
    paper.title = "Scaling Laws for Reward Model Overoptimization"
    paper.save(update_fields=["title"])
    notes = (
        "#RLVR\nIssue Date: 2025-03-25\n[Paper Note] Scaling laws for reward model "
        "over-optimization, Leo Gao+, arXiv'22\nSummary報酬の過最適化。\nComment次回。\n"
    )
    report = import_library(notes.encode(), name="notes.txt", author=member)
    assert (report.notes_created, report.papers_created) == (1, 0)
    assert LibraryNote.objects.get().paper == paper
    assert Paper.objects.count() == 1
    assert topic.link.paper_link.paper == paper
    paper.refresh_from_db()  # the note fills what the card has not yet
    assert (paper.authors, paper.more_authors, paper.venue) == (["Leo Gao"], True, "arXiv'22")
    assert paper.title == "Scaling Laws for Reward Model Overoptimization"


def test_the_demo_board_has_a_library(db):
    from apps.demo.seed import create_demo_data

    create_demo_data(today=dt.date(2025, 3, 24), weekday=4)
    assert LibraryNote.objects.filter(author__handle="yui").count() == 2
    assert Paper.objects.filter(key="arxiv:2106.09685", notes__author__handle="ken").exists()
    assert Tag.objects.filter(slug="rlvr").exists()


def _summaries(count: int, *, first: int = 1) -> bytes:
    blocks = [
        f"# Paper number {n}\n\n[View Paper](https://arxiv.org/abs/2501.{n:05d})\n\n"
        f"## 1. 何をした？\n\n手法 {n} の **要点**。\n\n## 2. 結果は？\n\n- 精度が上がった\n"
        for n in range(first, first + count)
    ]
    return "\n".join(blocks).encode()


def test_an_import_takes_as_many_queries_for_thirty_notes_as_for_three(member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for first, count in ((1, 3), (100, 30)):
        with CaptureQueriesContext(connection) as queries:
            report = import_library(_summaries(count, first=first), name="s.md", author=member)
        assert report.notes_created == count
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert LibraryNote.objects.count() == 33
    assert PaperLink.objects.count() == 33  # each paper's arXiv page is its link
    assert all("<strong>" in n.body_html for n in LibraryNote.objects.all())


def test_a_paper_waiting_under_its_title_takes_the_id_a_later_note_gives(member):
    notes = (
        "#RLVR\nIssue Date: 2025-03-25\n[Paper Note] Paper number 7, Leo Gao+, arXiv'25\n"
        "Summary報酬の過最適化。\nComment次回。\n"
    )
    first = import_library(notes.encode(), name="notes.txt", author=member)
    assert (first.papers_created, first.without_id) == (1, 1)
    waiting = Paper.objects.get()
    assert waiting.key.startswith("title:")
    second = import_library(_summaries(1, first=7), name="s.md", author=member)
    assert second.papers_created == 0
    paper = Paper.objects.get()
    assert (paper.pk, paper.key) == (waiting.pk, "arxiv:2501.00007")
    assert paper.notes.count() == 2
    assert paper.tags.filter(slug="rlvr").exists()


def test_an_edited_tag_line_changes_the_notes_tags_and_the_paper_keeps_the_old_ones(member):
    notes = (
        "#RLVR #NLP\nIssue Date: 2025-03-25\n[Paper Note] Paper number 7, Leo Gao+, arXiv'25\n"
        "Summary報酬の過最適化。\nComment次回。\n"
    )
    import_library(notes.encode(), name="notes.txt", author=member)
    report = import_library(
        notes.replace("#NLP", "#Agent").encode(), name="notes.txt", author=member
    )
    assert (report.notes_created, report.notes_updated) == (0, 1)
    note = LibraryNote.objects.get()
    assert sorted(note.tags.values_list("slug", flat=True)) == ["agent", "rlvr"]
    assert sorted(note.paper.tags.values_list("slug", flat=True)) == ["agent", "nlp", "rlvr"]
