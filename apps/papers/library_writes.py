"""One collection file's entries → papers, notes and tags, in a few statements per kind.

A file holds thousands of notes: reading and writing them one at a time cost a dozen queries
each. Here every paper, note, tag and link the file names is read in bulk first; the entries
are then applied in file order to those rows in memory — which gives the very outcome (and
the very report) of importing them one by one — and what changed is written in bulk. Markdown
is rendered once per note that is new or changed, and the search index hears of each note
once, when the file's transaction commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import changes
from apps.links.services import enqueue_fetches_on_commit, links_for_urls

from . import paper_matches, services
from .identity import PaperKey, paper_key_from_title, paper_key_from_url, title_key
from .library_formats import DIGEST, LibraryEntry, Problem
from .library_formats.entries import INFO, WARNING
from .models import LibraryNote, Paper, PaperLink
from .tags import Tag as TagName
from .tags import check_tag

if TYPE_CHECKING:
    from .importer import LibraryReport

BATCH = services.BULK_BATCH
NOTE_FIELDS = ("noted_on", "summary", "comment", "sections", "qa", "mentions")
# What an entry may fill on its paper's card, where the card has nothing yet.
CARD_FIELDS = ("title", "authors", "more_authors", "venue", "published", "categories", "abstract")


@dataclass
class _Entry:
    """An entry, read: which paper it names, its checked tags, its note's key and fields."""

    entry: LibraryEntry
    id_key: PaperKey | None
    title_key: PaperKey | None
    source_key: str
    fields: dict


@dataclass
class _Note:
    note: LibraryNote
    paper: Paper | None  # None: still the paper it had when read
    slugs: set[str]
    new: bool = False
    dirty: bool = False
    tags_changed: bool = False


@dataclass
class _Plan:
    """The rows of one file, as the entries leave them; written at the end."""

    by_key: dict[str, Paper] = field(default_factory=dict)
    by_title: dict[str, Paper] = field(default_factory=dict)  # title_key → the oldest paper
    new_papers: list[Paper] = field(default_factory=list)
    changed_papers: dict[int, Paper] = field(default_factory=dict)  # id(paper) → paper
    changed_fields: set[str] = field(default_factory=set)  # what bulk_update has to write
    paper_urls: dict[str, Paper] = field(default_factory=dict)
    paper_tags: dict[int, tuple[Paper, set[str]]] = field(default_factory=dict)
    notes: dict[str, _Note] = field(default_factory=dict)
    tag_names: dict[str, TagName] = field(default_factory=dict)
    used: dict[int, Paper] = field(default_factory=dict)  # id(paper) → every paper named


def import_entries(
    entries: list[LibraryEntry], *, report: LibraryReport, author, source: str
) -> None:
    """Apply the file's entries as `author`'s notes; the caller holds the transaction."""
    read = [_read(entry, report=report, source=source) for entry in entries]
    wanted = [r for r in read if r is not None]
    plan = _load(wanted, author=author, source=source)
    for item in read:
        if item is not None:
            _apply(item, plan=plan, report=report, author=author, source=source)
    _write(plan, render=not report.dry_run)
    if not report.dry_run:
        # Known only by their titles: arXiv is searched for them once the file is in.
        waiting = [p.pk for p in plan.used.values() if p.scheme == "title"]
        report.searches_queued = paper_matches.paper_matches_queue_for_papers(paper_ids=waiting)


def _read(entry: LibraryEntry, *, report: LibraryReport, source: str) -> _Entry | None:
    id_key = next((key for url in entry.urls if (key := paper_key_from_url(url)) is not None), None)
    by_title = None if id_key is not None else paper_key_from_title(entry.title)
    if id_key is None and by_title is None:
        report.problems.append(
            Problem(entry.line, _("論文を特定できません（タイトルもURLもありません）。"), WARNING)
        )
        return None
    # A digest is one week's: the same paper in next week's digest is another note.
    note_key = f"{entry.noted_on}:{entry.key}" if source == DIGEST and entry.noted_on else entry.key
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
    return _Entry(entry, id_key, by_title, note_key[:200], fields)


def _chunks(values: list[str]):
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _load(items: list[_Entry], *, author, source: str) -> _Plan:
    """Every row the entries may touch, read in a few queries."""
    plan = _Plan()
    keys: set[str] = set()
    titles: set[str] = set()
    for item in items:
        if item.id_key is not None:
            keys.add(str(item.id_key))
            # The same work may be waiting under its title: it is re-keyed, not doubled.
            waiting = paper_key_from_title(item.entry.title)
            if waiting is not None:
                keys.add(str(waiting))
        else:
            assert item.title_key is not None
            keys.add(str(item.title_key))
            titles.add(item.title_key.value)
    papers = Paper.objects.defer("related")
    for chunk in _chunks(sorted(keys)):
        plan.by_key.update((p.key, p) for p in papers.filter(key__in=chunk))
    found: list[Paper] = []
    for chunk in _chunks(sorted(titles)):
        found.extend(papers.filter(title_key__in=chunk))
    for paper in [*plan.by_key.values(), *found]:
        plan.by_key.setdefault(paper.key, paper)
    for paper in sorted(plan.by_key.values(), key=lambda p: p.pk):
        if paper.title_key:
            plan.by_title.setdefault(paper.title_key, paper)

    source_keys = sorted({item.source_key for item in items})
    notes: list[LibraryNote] = []
    for chunk in _chunks(source_keys):
        notes.extend(LibraryNote.objects.filter(author=author, source=source, source_key__in=chunk))
    slugs: dict[int, set[str]] = {note.pk: set() for note in notes}
    through = LibraryNote.tags.through.objects
    for start in range(0, len(notes), BATCH):
        ids = [note.pk for note in notes[start : start + BATCH]]
        for note_id, slug in through.filter(librarynote_id__in=ids).values_list(
            "librarynote_id", "tag__slug"
        ):
            slugs[note_id].add(slug)
    for note in notes:
        plan.notes[note.source_key] = _Note(note, None, slugs[note.pk])
    return plan


def _paper(item: _Entry, *, plan: _Plan, report: LibraryReport) -> Paper:
    entry = item.entry
    if item.id_key is not None:
        key = str(item.id_key)
        paper = plan.by_key.get(key)
        if paper is None:
            waiting = paper_key_from_title(entry.title)
            paper = plan.by_key.pop(str(waiting), None) if waiting is not None else None
            if paper is not None:  # known by its title until now: the id is its key
                paper.key = key
                _changed(paper, plan, "key")
            else:
                paper = _new_paper(key, entry.title, plan=plan)
                report.papers_created += 1
            plan.by_key[key] = paper
        assert item.id_key.url is not None
        plan.paper_urls.setdefault(item.id_key.url, paper)
        return paper
    assert item.title_key is not None
    # Named only by its title: a paper the group already has under any key is the one.
    known = plan.by_title.get(item.title_key.value)
    if known is not None:
        return known
    key = str(item.title_key)
    paper = plan.by_key.get(key)
    if paper is None:
        paper = _new_paper(key, entry.title, plan=plan)
        plan.by_key[key] = paper
        report.papers_created += 1
    report.without_id += 1
    return paper


def _new_paper(key: str, title: str, *, plan: _Plan) -> Paper:
    paper = Paper(key=key, title=title[: services.TITLE_MAX])
    paper.title_key = title_key(paper.title)[:500]
    if paper.title_key:
        plan.by_title.setdefault(paper.title_key, paper)
    plan.new_papers.append(paper)
    return paper


def _changed(paper: Paper, plan: _Plan, *names: str) -> None:
    if paper.pk is not None:
        plan.changed_papers[id(paper)] = paper
        plan.changed_fields.update(names)


def _fill(paper: Paper, entry: LibraryEntry, plan: _Plan) -> None:
    """What the collection knows of the paper, where the card has nothing yet."""
    changed: list[str] = []
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
            if name == "title":
                paper.title_key = title_key(paper.title)[:500]
                changed.append("title_key")
                if paper.title_key:
                    plan.by_title.setdefault(paper.title_key, paper)
            if name == "authors" and entry.more_authors:
                paper.more_authors = True
                changed.append("more_authors")
    if changed:
        _changed(paper, plan, *changed)


def _tags(entry: LibraryEntry, report: LibraryReport) -> list[TagName]:
    tags: list[TagName] = []
    for raw in entry.tags:
        checked = check_tag(raw)
        if checked.tag is None:
            report.problems.append(Problem(entry.line, f"#{raw[:40]}: {checked.message}", WARNING))
        elif checked.tag.slug not in {t.slug for t in tags}:
            tags.append(checked.tag)
    return tags


def _apply(item: _Entry, *, plan: _Plan, report: LibraryReport, author, source: str) -> None:
    """One entry, as importing it alone would: the note created, updated or left as it is."""
    entry = item.entry
    paper = _paper(item, plan=plan, report=report)
    plan.used[id(paper)] = paper
    _fill(paper, entry, plan)
    tags = _tags(entry, report)
    slugs = {t.slug for t in tags}
    state = plan.notes.get(item.source_key)
    if state is None:
        note = LibraryNote(author=author, source=source, source_key=item.source_key)
        state = plan.notes[item.source_key] = _Note(note, paper, set(), new=True)
        report.notes_created += 1
    else:
        note = state.note
        stored = {name: getattr(note, name) for name in NOTE_FIELDS}
        same_paper = (
            state.paper is paper
            if state.paper is not None
            else (paper.pk is not None and note.paper_id == paper.pk)
        )
        if stored == item.fields and same_paper and state.slugs == slugs:
            report.notes_unchanged += 1
            return
        if state.slugs != slugs:
            state.tags_changed = True
        report.notes_updated += 1
        report.problems.append(
            Problem(
                entry.line, _("「%(title)s」を更新しました。") % {"title": entry.title[:60]}, INFO
            )
        )
    state.paper = paper
    state.slugs = slugs
    state.dirty = True
    for name, value in item.fields.items():
        setattr(note, name, value)
    for tag in tags:
        plan.tag_names.setdefault(tag.slug, tag)
    if slugs:
        plan.paper_tags.setdefault(id(paper), (paper, set()))[1].update(slugs)


def _write(plan: _Plan, *, render: bool) -> None:
    now = timezone.now()
    Paper.objects.bulk_create(plan.new_papers, batch_size=BATCH)
    changed = list(plan.changed_papers.values())
    for paper in changed:
        paper.updated_at = now
    if changed:
        # Only the columns some paper of the file changed: each is one CASE over the batch.
        names = [name for name in ("key", "title_key", *CARD_FIELDS) if name in plan.changed_fields]
        Paper.objects.bulk_update(changed, [*names, "updated_at"], batch_size=BATCH)
    _write_links(plan)
    tags = services.tags_for_many(plan.tag_names.values())
    grew = _write_paper_tags(plan, tags)

    dirty = [state for state in plan.notes.values() if state.dirty]
    for state in dirty:
        assert state.paper is not None
        state.note.paper = state.paper
        # Rendered once, at save time (a dry run is rolled back: no need).
        state.note.body_html = services.library_note_html(state.note) if render else ""
        state.note.updated_at = now
    LibraryNote.objects.bulk_create([s.note for s in dirty if s.new], batch_size=BATCH)
    updated = [s.note for s in dirty if not s.new]
    if updated:
        LibraryNote.objects.bulk_update(
            updated, ["paper", *NOTE_FIELDS, "body_html", "updated_at"], batch_size=BATCH
        )
    _write_note_tags([s for s in dirty if s.new or s.tags_changed], tags)

    # One announcement for the whole file: search owes its entries in one statement.
    changes.announce(
        changes.LIBRARY_WRITTEN,
        pk=0,
        notes=[state.note.pk for state in dirty],
        papers=list({p.pk for p in [*changed, *grew]}),
    )


def _write_links(plan: _Plan) -> None:
    """Each paper's landing page is a link of the paper's (its card is fetched from it)."""
    links = links_for_urls(plan.paper_urls)
    attached: set[int] = set()
    ids = [link.pk for link in links.values()]
    for start in range(0, len(ids), BATCH):
        attached.update(
            PaperLink.objects.filter(link_id__in=ids[start : start + BATCH]).values_list(
                "link_id", flat=True
            )
        )
    PaperLink.objects.bulk_create(
        [
            PaperLink(paper=plan.paper_urls[url], link=link)
            for url, link in links.items()
            if link.pk not in attached
        ],
        batch_size=BATCH,
        ignore_conflicts=True,  # attached by a concurrent save: a link is one paper
    )
    enqueue_fetches_on_commit(links.values())


def _write_paper_tags(plan: _Plan, tags: dict) -> list[Paper]:
    """A note's tags are its paper's too; returns the papers that gained one."""
    through = Paper.tags.through
    pairs = {
        (paper.pk, tags[slug].pk)
        for paper, slugs in plan.paper_tags.values()
        for slug in slugs
        if slug in tags
    }
    paper_ids = sorted({paper_id for paper_id, _tag in pairs})
    have: set[tuple[int, int]] = set()
    for start in range(0, len(paper_ids), BATCH):
        have.update(
            through.objects.filter(paper_id__in=paper_ids[start : start + BATCH]).values_list(
                "paper_id", "tag_id"
            )
        )
    new = sorted(pairs - have)
    through.objects.bulk_create(
        [through(paper_id=p, tag_id=t) for p, t in new], batch_size=BATCH, ignore_conflicts=True
    )
    gained = {p for p, _t in new}
    return [paper for paper, _s in plan.paper_tags.values() if paper.pk in gained]


def _write_note_tags(states: list[_Note], tags: dict) -> None:
    through = LibraryNote.tags.through
    replaced = [s.note.pk for s in states if not s.new]
    for start in range(0, len(replaced), BATCH):
        through.objects.filter(librarynote_id__in=replaced[start : start + BATCH]).delete()
    through.objects.bulk_create(
        [
            through(librarynote_id=s.note.pk, tag_id=tags[slug].pk)
            for s in states
            for slug in sorted(s.slugs)
            if slug in tags
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
