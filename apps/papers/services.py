"""Writes for the paper library: papers, the links that are them, tags and library notes.

A paper is created the first time the group meets it: a pasted URL that names a scholarly
work (apps.papers.identity), or a note imported from a member's collection. Its card fields
(title, authors, abstract, categories) follow the link's fetched metadata.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.html import escape

from apps.core import changes
from apps.core.markdown import render_markdown
from apps.links.models import Link

from .identity import PaperKey, paper_key_from_title, paper_key_from_url
from .models import LibraryNote, Paper, PaperLink, Tag
from .tags import Tag as TagName

if TYPE_CHECKING:
    from apps.accounts.models import User

TITLE_MAX = 500
BULK_BATCH = 500  # rows per statement in bulk writes; well under SQLite's variable limit
ABSTRACT_MAX = 20_000


def _get_or_create_paper(key: PaperKey, **defaults: object) -> tuple[Paper, bool]:
    try:
        with transaction.atomic():
            return Paper.objects.get_or_create(key=str(key), defaults=defaults)
    except IntegrityError:  # created by someone else between the read and the insert
        return Paper.objects.get(key=str(key)), False


def paper_for_key(key: PaperKey, *, title: str = "") -> Paper:
    """The paper with this key, created on first sight; a title-keyed paper merges into it."""
    paper, created = _get_or_create_paper(key, title=title[:TITLE_MAX])
    if created and key.scheme != "title" and title:
        waiting = paper_key_from_title(title)
        if waiting is not None:
            other = Paper.objects.filter(key=str(waiting)).first()
            if other is not None:
                paper_merge(source=other, into=paper)
    if key.url and not paper.links.exists():
        link = Link.objects.filter(canonical_url=key.url).first()
        if link is not None:
            paper_attach_link(paper=paper, link=link)
    return paper


def paper_for_link(link: Link) -> Paper | None:
    """The paper a link is, if its URL names one (None for a blog post or a repository)."""
    existing = PaperLink.objects.filter(link=link).select_related("paper").first()
    if existing is not None:
        return existing.paper
    key = paper_key_from_url(link.canonical_url)
    if key is None:
        return None
    paper, _ = _get_or_create_paper(key, title=(link.title or "")[:TITLE_MAX])
    paper_attach_link(paper=paper, link=link)
    if link.status == Link.Status.OK:
        paper_fill_from_link(paper=paper, link=link)
    return paper


def paper_attach_link(*, paper: Paper, link: Link) -> None:
    try:
        with transaction.atomic():
            PaperLink.objects.get_or_create(link=link, defaults={"paper": paper})
    except IntegrityError:
        pass  # attached by a concurrent save: a link is one paper


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def paper_fill_from_link(*, paper: Paper, link: Link) -> Paper:
    """Take the card's fields from the fetched metadata; what a member typed is kept."""
    extra = link.extra or {}
    changed = []
    fields = {
        "title": (link.title or "")[:TITLE_MAX],
        "authors": list(link.authors or []),
        "abstract": (extra.get("abstract") or link.description or "")[:ABSTRACT_MAX],
        "published": _date(link.published),
        "categories": list(extra.get("categories") or []),
    }
    for name, value in fields.items():
        if value and getattr(paper, name) != value:
            setattr(paper, name, value)
            changed.append(name)
    if changed:
        paper.save(update_fields=[*changed, "updated_at"])
        paper_changed(paper)
    return paper


def paper_changed(paper: Paper) -> None:
    """Search re-indexes the paper's notes (they carry its title, card and tags)."""
    changes.announce(changes.PAPER, pk=paper.pk, obj=paper)


@transaction.atomic
def paper_merge(*, source: Paper, into: Paper) -> Paper:
    """One work met twice (a title-only note, later its arXiv id): one paper keeps it all."""
    if source.pk == into.pk:
        return into
    LibraryNote.objects.filter(paper=source).update(paper=into)
    PaperLink.objects.filter(paper=source).update(paper=into)
    into.tags.add(*source.tags.all())
    for name in ("title", "abstract", "venue"):
        if not getattr(into, name) and getattr(source, name):
            setattr(into, name, getattr(source, name))
    if not into.authors and source.authors:
        into.authors, into.more_authors = source.authors, source.more_authors
    into.save()
    source.delete()
    paper_changed(into)
    return into


def tags_for(names: Iterable[TagName]) -> list[Tag]:
    """Tag rows for normalized tags, created on first use; the first spelling is the label."""
    rows = []
    for name in names:
        try:
            with transaction.atomic():
                row, _ = Tag.objects.get_or_create(slug=name.slug, defaults={"label": name.label})
        except IntegrityError:
            row = Tag.objects.get(slug=name.slug)
        rows.append(row)
    return rows


def tags_for_many(names: Iterable[TagName]) -> dict[str, Tag]:
    """Tag rows by slug for many tags at once (an import), created on first use."""
    wanted: dict[str, TagName] = {}
    for name in names:
        wanted.setdefault(name.slug, name)
    found = {row.slug: row for row in _tags_by_slug(wanted)}
    missing = [
        Tag(slug=slug, label=name.label) for slug, name in wanted.items() if slug not in found
    ]
    if missing:
        Tag.objects.bulk_create(missing, batch_size=BULK_BATCH, ignore_conflicts=True)
        found.update((row.slug, row) for row in _tags_by_slug([t.slug for t in missing]))
    return found


def _tags_by_slug(slugs: Iterable[str]) -> list[Tag]:
    slugs = list(slugs)
    rows: list[Tag] = []
    for start in range(0, len(slugs), BULK_BATCH):
        rows.extend(Tag.objects.filter(slug__in=slugs[start : start + BULK_BATCH]))
    return rows


def paper_add_tags(*, paper: Paper, names: Iterable[TagName]) -> list[Tag]:
    rows = tags_for(names)
    paper.tags.add(*rows)
    paper_changed(paper)
    return rows


def library_note_html(note: LibraryNote) -> str:
    """The note as shown on the paper page, rendered once at save time."""
    parts = []
    if note.summary:
        parts.append(note.summary)
    for section in note.sections:
        heading = " ".join(
            str(p) for p in (section.get("number"), section.get("heading")) if p not in ("", None)
        )
        parts.append(f"### {escape(heading)}\n\n{section.get('body', '')}")
    if note.comment:
        parts.append(note.comment)
    return render_markdown("\n\n".join(parts)).html


def library_note_save(*, note: LibraryNote, tags: Iterable[TagName] = ()) -> LibraryNote:
    note.body_html = library_note_html(note)
    note.full_clean(exclude=["paper", "author"], validate_constraints=False)
    with transaction.atomic(savepoint=False):
        note.save()
        rows = tags_for(tags)
        if rows:
            note.tags.add(*rows)
            note.paper.tags.add(*rows)
        changes.announce(changes.LIBRARY_NOTE, pk=note.pk, obj=note)
    return note


@transaction.atomic
def library_note_create(
    *,
    paper: Paper,
    author: User,
    summary: str = "",
    comment: str = "",
    tags: Iterable[TagName] = (),
    noted_on: dt.date | None = None,
) -> LibraryNote:
    """A member's note written on the paper page."""
    note = LibraryNote(
        paper=paper,
        author=author,
        source=LibraryNote.Source.BOARD,
        summary=summary,
        comment=comment,
        noted_on=noted_on,
    )
    return library_note_save(note=note, tags=tags)
