"""Keeping the search index in step with the board.

Every write of a topic, remark, deep dive, meeting or member re-indexes what it touched. The
services call :func:`schedule_index` after their write (the index is updated when the
transaction commits), or one of the ``index_*`` functions directly to update it inside the same
transaction. All of them take ids, re-read the rows and are idempotent: running one twice, or
for something that no longer exists, is harmless. Hard deletes need nothing (the index rows
cascade); a soft-deleted topic is removed by :func:`index_topic`.

``rebuild_search_index`` (:func:`rebuild_index`) recreates the whole index from the board.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from itertools import islice
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch, Q

from apps.accounts.models import User
from apps.core.markdown import render_markdown
from apps.core.tokenizer import field_token_list, lookup_tokens
from apps.deepdives.models import DeepDive
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.meetings.models import Meeting
from apps.topics.models import Remark, Topic

from .backends import get_backend
from .models import SearchEntry
from .urlkeys import url_key

logger = logging.getLogger(__name__)

DEEP_DIVE_ANCHOR = "deep-dive"

# One index entry as field values (SearchEntry(**row)); the rebuild inserts them without
# building model instances.
Row = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Link metadata: one more text source, filled in once apps.links has its Link model.
# --------------------------------------------------------------------------------------------


# During a rebuild, every fetched link's text at once (canonical URL → text), not one query
# per topic.
_preloaded_link_texts: ContextVar[dict[str, str] | None] = ContextVar("link_texts", default=None)


def _link_metadata_text(link) -> str:
    extra = link.extra or {}
    parts = [
        link.title,
        " ".join(link.authors or []),
        link.site_name,
        link.description,
        extra.get("full_name", ""),
        extra.get("language", ""),
        " ".join(extra.get("topics", []) or []),
        " ".join(extra.get("categories", []) or []),
        " ".join((extra.get("category_names") or {}).values()),
    ]
    return " ".join(p for p in parts if p)


def preload_link_texts(canonical_urls: set[str] | None = None) -> dict[str, str]:
    """Fetched links' texts by canonical URL: all of them (a rebuild) or only these."""
    links = Link.objects.filter(status=Link.Status.OK)
    if canonical_urls is not None:
        links = links.filter(canonical_url__in=canonical_urls)
    return {link.canonical_url: _link_metadata_text(link) for link in links}


def link_text(url: str) -> str:
    """The URL and its fetched metadata (paper title, authors, abstract, site name, repository
    description, categories) as plain text, indexed in the "link metadata" field class."""
    if not url:
        return ""
    try:
        canonical = canonicalize(url).canonical_url
    except ValueError:
        return url
    preloaded = _preloaded_link_texts.get()
    if preloaded is not None:
        return f"{url} {preloaded.get(canonical, '')}".strip()
    link = Link.objects.filter(canonical_url=canonical, status=Link.Status.OK).first()
    return f"{url} {_link_metadata_text(link)}".strip() if link else url


# --------------------------------------------------------------------------------------------
# Building entries (pure: objects in, rows of field values out).
# --------------------------------------------------------------------------------------------


def _meeting_text(meeting: Meeting) -> str:
    # The default title (the group's name) is on every meeting: indexing it would make `勉強会`
    # or `学習` match the whole archive.
    if meeting.title and meeting.title != settings.GROUP_NAME:
        return f"{meeting.date.isoformat()}\n{meeting.title}"
    return meeting.date.isoformat()


def _entry(
    *,
    source: str,
    meeting: Meeting,
    presenter: User,
    kind: str,
    anchor: str,
    title: str = "",
    links: str = "",
    body: str = "",
    context: str = "",
    url: str = "",
    position: int = 0,
    topic_id: int | None = None,
    remark_id: int | None = None,
    deep_dive_id: int | None = None,
) -> Row:
    meta = f"{presenter.display_name}\n{presenter.handle}\n{_meeting_text(meeting)}"
    fields = [field_token_list(text) for text in (title, links, body, meta)]  # tokenized once
    return {
        "source": source,
        "meeting_id": meeting.pk,
        "presenter_id": presenter.pk,
        "kind": kind,
        "meeting_date": meeting.date,
        "year": meeting.date.year,
        "anchor": anchor[:300],
        "context": context[:300],
        "position": position,
        "url": url[:2000],
        "url_key": url_key(url),
        "title": title,
        "links": links,
        "body": body,
        "meta": meta,
        "title_tokens": " ".join(fields[0]),
        "links_tokens": " ".join(fields[1]),
        "body_tokens": " ".join(fields[2]),
        "meta_tokens": " ".join(fields[3]),
        "chars": lookup_tokens(fields),
        "topic_id": topic_id,
        "remark_id": remark_id,
        "deep_dive_id": deep_dive_id,
    }


# A Topic or Remark, or a plain row with the same fields (a rebuild reads no model objects).
def topic_entry(topic: Topic | SimpleNamespace, *, meeting: Meeting, presenter: User) -> Row:
    return _entry(
        source=SearchEntry.Source.TOPIC,
        meeting=meeting,
        presenter=presenter,
        kind=topic.kind,
        anchor=f"topic-{topic.pk}",
        title=topic.title,
        links=link_text(topic.url),
        body=topic.notes,
        url=topic.url,
        topic_id=topic.pk,
    )


def remark_entry(
    remark: Remark | SimpleNamespace, *, meeting: Meeting, kind: str, context: str, author: User
) -> Row:
    return _entry(
        source=SearchEntry.Source.REMARK,
        meeting=meeting,
        presenter=author,
        kind=kind,
        anchor=f"remark-{remark.pk}",
        body=remark.body,
        context=context,
        topic_id=remark.topic_id,
        remark_id=remark.pk,
        deep_dive_id=remark.deep_dive_id,
    )


@dataclass(frozen=True)
class Section:
    anchor: str
    heading: str
    text: str


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset(
    {
        "p",
        "br",
        "hr",
        "li",
        "ul",
        "ol",
        "pre",
        "blockquote",
        "table",
        "tr",
        "div",
        "details",
        "summary",
    }
)


class _SectionParser(HTMLParser):
    """Splits the stored, sanitized deep-dive HTML at its headings, keeping their ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[str, list[str], list[str]]] = [(DEEP_DIVE_ANCHOR, [], [])]
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HEADINGS:
            # A heading without an id (cannot happen with our renderer) stays in the section
            # above, so the hit still lands somewhere that exists.
            anchor = dict(attrs).get("id") or self.sections[-1][0]
            self.sections.append((anchor, [], []))
            self.in_heading = True
        elif tag in _BLOCKS:
            self.sections[-1][2].append("\n")
        elif tag in {"td", "th"}:
            self.sections[-1][2].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADINGS:
            self.in_heading = False
        elif tag in _BLOCKS:
            self.sections[-1][2].append("\n")

    def handle_data(self, data: str) -> None:
        section = self.sections[-1]
        (section[1] if self.in_heading else section[2]).append(data)


def _clean(text: str) -> str:
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def deep_dive_sections(body_html: str) -> list[Section]:
    """The deep dive's text before its first heading, then one section per heading."""
    parser = _SectionParser()
    parser.feed(body_html or "")
    parser.close()
    return [
        Section(anchor, _clean("".join(heading)), _clean("".join(text)))
        for anchor, heading, text in parser.sections
    ]


def deep_dive_entries(deep_dive: DeepDive, *, meeting: Meeting, presenter: User) -> list[Row]:
    body_html = deep_dive.body_html
    if not body_html and deep_dive.body:
        body_html = render_markdown(deep_dive.body, with_toc=True).html
    entries = []
    for position, section in enumerate(deep_dive_sections(body_html)):
        intro = position == 0
        entries.append(
            _entry(
                source=SearchEntry.Source.DEEP_DIVE,
                meeting=meeting,
                presenter=presenter,
                kind=Topic.Kind.PAPER,
                anchor=section.anchor,
                title=deep_dive.title if intro else section.heading,
                links=link_text(deep_dive.paper_url) if intro else "",
                body=section.text,
                context="" if intro else deep_dive.title,
                url=deep_dive.paper_url if intro else "",
                position=position,
                deep_dive_id=deep_dive.pk,
            )
        )
    return entries


# --------------------------------------------------------------------------------------------
# Index on write: by id, idempotent.
# --------------------------------------------------------------------------------------------


def _save(rows: list[Row]) -> None:
    SearchEntry.objects.bulk_create([SearchEntry(**row) for row in rows])


_REMARKS = Prefetch("remarks", queryset=Remark.objects.select_related("author").order_by("pk"))


def _remarks_of(target: Topic | DeepDive):
    if "remarks" in getattr(target, "_prefetched_objects_cache", {}):
        return target.remarks.all()  # index_meeting loaded them with _REMARKS
    return target.remarks.select_related("author").order_by("pk")


@contextmanager
def _link_texts_of(urls: Iterable[str]) -> Iterator[None]:
    """Load the metadata of these URLs' links in one query for the block (not one per topic)."""
    canonical = set()
    for url in filter(None, urls):
        with suppress(ValueError):
            canonical.add(canonicalize(url).canonical_url)
    token = _preloaded_link_texts.set(preload_link_texts(canonical))
    try:
        yield
    finally:
        _preloaded_link_texts.reset(token)


def _topic_with_remarks(topic: Topic) -> list[Row]:
    meeting, presenter = topic.block.meeting, topic.block.presenter
    entries = [topic_entry(topic, meeting=meeting, presenter=presenter)]
    for remark in _remarks_of(topic):
        entries.append(
            remark_entry(
                remark, meeting=meeting, kind=topic.kind, context=topic.title, author=remark.author
            )
        )
    return entries


def _deep_dive_with_remarks(deep_dive: DeepDive) -> list[Row]:
    meeting = deep_dive.meeting
    entries = deep_dive_entries(deep_dive, meeting=meeting, presenter=deep_dive.presenter)
    for remark in _remarks_of(deep_dive):
        entries.append(
            remark_entry(
                remark,
                meeting=meeting,
                kind=Topic.Kind.PAPER,
                context=deep_dive.title,
                author=remark.author,
            )
        )
    return entries


@transaction.atomic
def index_topic(topic_id: int) -> None:
    """(Re-)index a topic and its remarks; removes them if the topic is gone or soft-deleted."""
    SearchEntry.objects.filter(topic_id=topic_id).delete()
    topic = (
        Topic.objects.live()
        .select_related("block__meeting", "block__presenter")
        .filter(pk=topic_id)
        .first()
    )
    if topic is not None:
        _save(_topic_with_remarks(topic))


@transaction.atomic
def index_topic_entry(topic_id: int) -> None:
    """Only the topic's own entry: for an edit of its notes or URL, which its remarks' entries
    do not repeat (they carry its kind and title); cheaper than index_topic on every save."""
    SearchEntry.objects.filter(topic_id=topic_id, source=SearchEntry.Source.TOPIC).delete()
    topic = (
        Topic.objects.live()
        .select_related("block__meeting", "block__presenter")
        .filter(pk=topic_id)
        .first()
    )
    if topic is not None:
        _save([topic_entry(topic, meeting=topic.block.meeting, presenter=topic.block.presenter)])


@transaction.atomic
def index_remark(remark_id: int) -> None:
    SearchEntry.objects.filter(remark_id=remark_id).delete()
    remark = (
        Remark.objects.select_related("author", "topic__block__meeting", "deep_dive__meeting")
        .filter(pk=remark_id)
        .first()
    )
    if remark is None:
        return
    if remark.topic is not None:
        if remark.topic.deleted_at is not None:
            return
        entry = remark_entry(
            remark,
            meeting=remark.topic.block.meeting,
            kind=remark.topic.kind,
            context=remark.topic.title,
            author=remark.author,
        )
    else:
        assert remark.deep_dive is not None  # a remark is on a topic or on the main topic
        entry = remark_entry(
            remark,
            meeting=remark.deep_dive.meeting,
            kind=Topic.Kind.PAPER,
            context=remark.deep_dive.title,
            author=remark.author,
        )
    _save([entry])


@transaction.atomic
def index_deep_dive(deep_dive_id: int) -> None:
    """(Re-)index a deep dive's sections and its remarks (their context is its title)."""
    SearchEntry.objects.filter(deep_dive_id=deep_dive_id).delete()
    deep_dive = (
        DeepDive.objects.select_related("meeting", "presenter").filter(pk=deep_dive_id).first()
    )
    if deep_dive is not None:
        _save(_deep_dive_with_remarks(deep_dive))


@transaction.atomic
def index_meeting(meeting_id: int) -> None:
    """Everything in a meeting (its date or title changed, or a presenter block moved)."""
    SearchEntry.objects.filter(meeting_id=meeting_id).delete()
    entries: list[Row] = []
    topics = list(
        Topic.objects.live()
        .filter(block__meeting_id=meeting_id)
        .select_related("block__meeting", "block__presenter")
        .prefetch_related(_REMARKS)
    )
    deep_dive = (
        DeepDive.objects.select_related("meeting", "presenter")
        .prefetch_related(_REMARKS)
        .filter(meeting_id=meeting_id)
        .first()
    )
    urls = [t.url for t in topics] + ([deep_dive.paper_url] if deep_dive else [])
    with _link_texts_of(urls):
        for topic in topics:
            entries.extend(_topic_with_remarks(topic))
        if deep_dive is not None:
            entries.extend(_deep_dive_with_remarks(deep_dive))
    _save(entries)


def index_member(user_id: int) -> None:
    """A member's name or handle changed: re-index every meeting they presented or remarked in."""
    meeting_ids = set(
        Meeting.objects.filter(
            Q(blocks__presenter_id=user_id)
            | Q(deep_dive__presenter_id=user_id)
            | Q(blocks__topics__remarks__author_id=user_id)
            | Q(deep_dive__remarks__author_id=user_id)
        ).values_list("pk", flat=True)
    )
    for meeting_id in sorted(meeting_ids):
        index_meeting(meeting_id)


def index_link(url: str) -> None:
    """Link metadata for this URL arrived or changed: re-index what cites it."""
    key = url_key(url)
    if not key:
        return
    rows = SearchEntry.objects.filter(url_key=key).values_list("topic_id", "deep_dive_id")
    for topic_id, deep_dive_id in set(rows):
        if topic_id:
            index_topic(topic_id)
        elif deep_dive_id:
            index_deep_dive(deep_dive_id)


_INDEXERS: dict[type, Callable[[int], None]] = {
    Topic: index_topic,
    Remark: index_remark,
    DeepDive: index_deep_dive,
    Meeting: index_meeting,
    User: index_member,
}


# Inside index_deferred(): the meetings whose index entries are out of date.
_deferred_meetings: ContextVar[set[int] | None] = ContextVar("deferred_index", default=None)


def _meeting_id_of(obj) -> int | None:
    if isinstance(obj, Meeting):
        return obj.pk
    if isinstance(obj, Topic):
        return obj.block.meeting_id
    if isinstance(obj, DeepDive):
        return obj.meeting_id
    if isinstance(obj, Remark):
        if obj.topic is not None:
            return obj.topic.block.meeting_id
        assert obj.deep_dive is not None  # a remark is on a topic or on the main topic
        return obj.deep_dive.meeting_id
    return None  # a member: their meetings are not known without a query


@contextmanager
def index_deferred() -> Iterator[None]:
    """Bulk writers (the importer): index each meeting they touch once, at commit, not per row.

    Inside the block, schedule_index only notes the meeting; on a normal exit every noted
    meeting is re-indexed whole when the transaction commits (nothing if it rolls back).
    """
    meetings: set[int] = set()
    token = _deferred_meetings.set(meetings)
    try:
        yield
    finally:
        _deferred_meetings.reset(token)
    for meeting_id in sorted(meetings):
        transaction.on_commit(partial(index_meeting, meeting_id), robust=True)


def schedule_index(obj: Topic | Remark | DeepDive | Meeting | User) -> None:
    """Re-index `obj` once the current transaction commits (at once outside a transaction).

    `robust`: the write has already succeeded when this runs; an indexing error is logged and
    `rebuild_search_index` repairs it, rather than turning a saved edit into an error page.
    """
    _on_commit(obj)


def schedule_topic_entry_index(topic: Topic) -> None:
    """Like schedule_index(topic), for a save that left the topic's kind and title as they were."""
    _on_commit(topic, indexer=index_topic_entry)


def _on_commit(obj, *, indexer: Callable[[int], None] | None = None) -> None:
    deferred = _deferred_meetings.get()
    if deferred is not None and (meeting_id := _meeting_id_of(obj)) is not None:
        deferred.add(meeting_id)
        return
    indexer = indexer or next((f for model, f in _INDEXERS.items() if isinstance(obj, model)), None)
    if indexer is None:
        raise TypeError(f"schedule_index does not know {type(obj).__name__}")
    transaction.on_commit(partial(indexer, obj.pk), robust=True)


# --------------------------------------------------------------------------------------------
# Rebuild.
# --------------------------------------------------------------------------------------------


@dataclass
class RebuildStats:
    entries: int = 0
    topics: int = 0
    remarks: int = 0
    deep_dives: int = 0
    seconds: float = 0.0


def _batched(iterable: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _all_entries(stats: RebuildStats, chunk: int) -> Iterator[Row]:
    token = _preloaded_link_texts.set(preload_link_texts())
    try:
        yield from _all_entries_loaded(stats, chunk)
    finally:
        _preloaded_link_texts.reset(token)


def _all_entries_loaded(stats: RebuildStats, chunk: int) -> Iterator[Row]:
    # Plain rows instead of model instances with their related objects: at 100k topics,
    # building those objects would cost more than tokenizing the text.
    meetings = {m.pk: m for m in Meeting.objects.only("id", "date", "title")}
    people = {u.pk: u for u in User.objects.only("id", "display_name", "handle")}

    topics = (
        Topic.objects.live()
        .order_by("pk")
        .values_list(
            "pk", "block__meeting_id", "block__presenter_id", "kind", "title", "url", "notes"
        )
    )
    for pk, meeting_id, presenter_id, kind, title, url, notes in topics.iterator(chunk_size=chunk):
        stats.topics += 1
        topic = SimpleNamespace(pk=pk, kind=kind, title=title, url=url, notes=notes)
        yield topic_entry(topic, meeting=meetings[meeting_id], presenter=people[presenter_id])

    remarks = (
        Remark.objects.filter(topic__isnull=False, topic__deleted_at__isnull=True)
        .order_by("pk")
        .values_list(
            "pk",
            "topic_id",
            "author_id",
            "body",
            "topic__kind",
            "topic__title",
            "topic__block__meeting_id",
        )
    )
    for pk, topic_id, author_id, body, kind, title, meeting_id in remarks.iterator(
        chunk_size=chunk
    ):
        stats.remarks += 1
        remark = SimpleNamespace(pk=pk, topic_id=topic_id, deep_dive_id=None, body=body)
        yield remark_entry(
            remark, meeting=meetings[meeting_id], kind=kind, context=title, author=people[author_id]
        )

    deep_dives = DeepDive.objects.order_by("pk")
    for deep_dive in deep_dives.iterator(chunk_size=max(1, chunk // 10)):
        stats.deep_dives += 1
        yield from deep_dive_entries(
            deep_dive,
            meeting=meetings[deep_dive.meeting_id],
            presenter=people[deep_dive.presenter_id],
        )

    main_topic_remarks = (
        Remark.objects.filter(deep_dive__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "deep_dive_id", "author_id", "body", "deep_dive__title", "deep_dive__meeting_id"
        )
    )
    for pk, deep_dive_id, author_id, body, title, meeting_id in main_topic_remarks.iterator(
        chunk_size=chunk
    ):
        stats.remarks += 1
        remark = SimpleNamespace(pk=pk, topic_id=None, deep_dive_id=deep_dive_id, body=body)
        yield remark_entry(
            remark,
            meeting=meetings[meeting_id],
            kind=Topic.Kind.PAPER,
            context=title,
            author=people[author_id],
        )


@contextmanager
def _bulk_load(*, fast: bool) -> Iterator[None]:
    backend = get_backend()
    backend.begin_rebuild()
    if fast:
        with backend.bulk_load():
            yield
    else:
        yield
    backend.finish_rebuild()


def rebuild_index(
    *, batch_size: int = 2000, fast: bool = False, progress: Callable[[int], None] | None = None
) -> RebuildStats:
    """Recreate the whole index from the board, in one transaction: searches meanwhile see
    the old index (PostgreSQL) or wait for the new one (SQLite), never a half-built one.

    `fast`: on PostgreSQL, load without the GIN indexes and build them at the end (several
    times faster, but searches wait until it is done): for a first load or a benchmark.
    """
    started = time.perf_counter()
    stats = RebuildStats()
    backend = get_backend()
    with transaction.atomic(), _bulk_load(fast=fast):
        for batch in _batched(_all_entries(stats, batch_size), batch_size):
            backend.bulk_insert(batch)
            stats.entries += len(batch)
            if progress is not None:
                progress(stats.entries)
    get_backend().after_rebuild()
    stats.seconds = time.perf_counter() - started
    logger.info(
        "search index rebuilt: %s entries in %.1fs (%s)",
        stats.entries,
        stats.seconds,
        connection.vendor,
    )
    return stats
