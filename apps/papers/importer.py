"""Members' paper-note collections → the library: one file, one transaction.

Each entry becomes a library note of the importing member on its paper (found by the URL's id,
else by the normalized title), with its sections, Q&A, tags and dates kept as structure.
Re-importing the same file changes nothing; an edited file updates the notes that changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from apps.links.services import enqueue_fetch_on_commit, link_for_pasted_url

from . import services
from .identity import paper_key_from_title, paper_key_from_url
from .library_formats import (
    DIGEST,
    FORMAT_LABELS,
    LibraryEntry,
    LibraryFormatError,
    Problem,
    read_library_file,
)
from .library_formats.entries import ERROR, INFO, WARNING
from .models import LibraryNote, Paper
from .tags import Tag as TagName
from .tags import check_tag


@dataclass
class LibraryReport:
    name: str
    format: str = ""
    dry_run: bool = False
    papers_created: int = 0
    notes_created: int = 0
    notes_updated: int = 0
    notes_unchanged: int = 0
    without_id: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(p.level == ERROR for p in self.problems)

    @property
    def format_label(self) -> str:
        return str(FORMAT_LABELS.get(self.format, ""))

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "format": self.format,
            "dry_run": self.dry_run,
            "refused": self.refused,
            "papers_created": self.papers_created,
            "notes_created": self.notes_created,
            "notes_updated": self.notes_updated,
            "notes_unchanged": self.notes_unchanged,
            "without_id": self.without_id,
            "problems": [
                {"line": p.line, "level": p.level, "message": p.message} for p in self.problems
            ],
        }


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the whole file back."""


def import_library(
    data: bytes, *, name: str, author, dry_run: bool = False, size: int | None = None
) -> LibraryReport:
    """Import one collection file as `author`'s notes; nothing is written if it is refused."""
    report = LibraryReport(name=name, dry_run=dry_run)
    try:
        parsed = read_library_file(data, name=name, size=size)
    except LibraryFormatError as exc:
        report.problems.append(Problem(exc.line, exc.message, ERROR))
        return report
    report.format = parsed.format
    report.problems.extend(parsed.problems)
    if parsed.errors:
        return report
    if not parsed.entries:
        report.problems.append(Problem(None, _("論文のエントリが見つかりませんでした。"), ERROR))
        return report
    try:
        with transaction.atomic():
            for entry in parsed.entries:
                _import_entry(entry, report=report, author=author, source=parsed.format)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _paper_for(entry: LibraryEntry, report: LibraryReport) -> Paper | None:
    for url in entry.urls:
        key = paper_key_from_url(url)
        if key is None:
            continue
        before = Paper.objects.filter(key=str(key)).exists()
        link = link_for_pasted_url(key.url or url)
        enqueue_fetch_on_commit(link)  # the paper's card: title, authors, abstract
        paper = services.paper_for_key(key, title=entry.title)
        report.papers_created += not before
        return paper
    key = paper_key_from_title(entry.title)
    if key is None:
        report.problems.append(
            Problem(entry.line, _("論文を特定できません（タイトルもURLもありません）。"), WARNING)
        )
        return None
    # Named only by its title: a paper the group already has under any key is the one.
    known = Paper.objects.filter(title_key=key.value).order_by("pk").first()
    if known is not None:
        return known
    before = Paper.objects.filter(key=str(key)).exists()
    paper = services.paper_for_key(key, title=entry.title)
    report.papers_created += not before
    report.without_id += 1
    return paper


def _fill_paper(paper: Paper, entry: LibraryEntry) -> None:
    """What the collection knows of the paper, where the card has nothing yet."""
    changed = []
    for name, value in (
        ("title", entry.title[: services.TITLE_MAX]),
        ("authors", entry.authors),
        ("venue", entry.venue[:200]),
        ("published", entry.published),
        ("categories", entry.categories),
        ("abstract", entry.abstract[: services.ABSTRACT_MAX]),
    ):
        if value and not getattr(paper, name):
            setattr(paper, name, value)
            changed.append(name)
    if entry.more_authors and "authors" in changed:
        paper.more_authors = True
        changed.append("more_authors")
    if changed:
        paper.save(update_fields=[*changed, "updated_at"])
        services.paper_changed(paper)


def _tags(entry: LibraryEntry, report: LibraryReport) -> list[TagName]:
    tags: list[TagName] = []
    for raw in entry.tags:
        checked = check_tag(raw)
        if checked.tag is None:
            report.problems.append(Problem(entry.line, f"#{raw[:40]}: {checked.message}", WARNING))
        elif checked.tag.slug not in {t.slug for t in tags}:
            tags.append(checked.tag)
    return tags


def _import_entry(entry: LibraryEntry, *, report: LibraryReport, author, source: str) -> None:
    paper = _paper_for(entry, report)
    if paper is None:
        return
    _fill_paper(paper, entry)
    tags = _tags(entry, report)
    fields = {
        "noted_on": entry.noted_on,
        "summary": entry.summary,
        "comment": entry.comment,
        "sections": [
            {"number": s.number, "heading": s.heading, "body": s.body_markdown}
            for s in entry.sections
        ],
        "qa": [{"question": qa.question, "answer": qa.answer} for qa in entry.qa],
        "mentions": [{"title": r.title, "note_number": r.note_number} for r in entry.related],
    }
    # A digest is one week's: the same paper in next week's digest is another note.
    key = f"{entry.noted_on}:{entry.key}" if source == DIGEST and entry.noted_on else entry.key
    note = LibraryNote.objects.filter(author=author, source=source, source_key=key[:200]).first()
    if note is None:
        note = LibraryNote(paper=paper, author=author, source=source, source_key=key[:200])
        report.notes_created += 1
    else:
        stored = {name: getattr(note, name) for name in fields}
        same_tags = {t.slug for t in note.tags.all()} == {t.slug for t in tags}
        if stored == fields and note.paper_id == paper.pk and same_tags:
            report.notes_unchanged += 1
            return
        note.paper = paper
        if not same_tags:
            note.tags.clear()
        report.notes_updated += 1
        report.problems.append(
            Problem(
                entry.line, _("「%(title)s」を更新しました。") % {"title": entry.title[:60]}, INFO
            )
        )
    for name, value in fields.items():
        setattr(note, name, value)
    services.library_note_save(note=note, tags=tags)
