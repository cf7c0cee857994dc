"""The whole archive as JSON, and back: the group's way out, and a restore into a new database.

Schema version 2 (documented in README.md, "Import and export"); version 1 is version 2
without "papers" and is still read:

    {"format": "benkyokai-archive", "schema_version": 2,
     "members": [{handle, display_name, email, is_organizer, is_active, date_joined}],
     "links": [{url, status, failure_reason, failure_message, attempts, fetched_at, title,
                description, site_name, authors, published, image_url, favicon_url,
                suggested_kind, extra, created_at, updated_at}],
     "meetings": [{date, title, guidance, status, created_at, updated_at,
                   "presenters": [{presenter, "topics": [{kind, title, url, notes, version,
                                   deleted_at, created_at, updated_at, "remarks": [...]}]}],
                   "deep_dive": null | {presenter, title, paper_url, body, version,
                                        created_at, updated_at, "remarks": [...]}}]}
    remark: {author, body, version, created_at, updated_at}
     "papers": [{key, title, authors, more_authors, abstract, venue, published, categories,
                 tags: [label], links: [url], created_at, updated_at,
                 "notes": [{author, source, source_key, noted_on, summary, comment, sections,
                            qa, mentions, tags: [label], created_at, updated_at}]}]

Members are referred to by handle, links by their canonical URL (a topic's `url` is what was
pasted; its link is found again from it). Order is list order (agenda, topics, remarks), not
stored positions. Derived data (rendered HTML) is not exported: it is rendered again on
restore. Neither are passwords and staff flags (an archive is notes, not credentials) nor
thumbnail images (binary files: back up MEDIA_ROOT, or let the link refresh make them again).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.services import member_create
from apps.deepdives.models import DeepDive
from apps.deepdives.services import deep_dive_set
from apps.links.metadata import Metadata
from apps.links.models import Link
from apps.links.services import link_for_pasted_url, link_mark_failed, link_store_metadata
from apps.meetings.models import Meeting, PresenterBlock
from apps.meetings.services import meeting_create, presenter_block_for
from apps.papers import services as paper_services
from apps.papers.identity import PaperKey
from apps.papers.models import LibraryNote, Paper
from apps.papers.tags import normalize_tag
from apps.topics.models import Remark, Topic
from apps.topics.services import remark_create, topic_create

FORMAT = "benkyokai-archive"
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)


class ArchiveError(Exception):
    """The archive cannot be restored; nothing was written."""


def _stamp(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _remark(remark: Remark) -> dict[str, Any]:
    return {
        "author": remark.author.handle,
        "body": remark.body,
        "version": remark.version,
        "created_at": _stamp(remark.created_at),
        "updated_at": _stamp(remark.updated_at),
    }


def archive_export() -> dict[str, Any]:
    """The whole archive, in a fixed number of queries."""
    remarks = Remark.objects.select_related("author").order_by("created_at", "pk")
    topics = Topic.objects.order_by("position", "pk").prefetch_related(
        Prefetch("remarks", queryset=remarks)
    )
    blocks = (
        PresenterBlock.objects.select_related("presenter")
        .order_by("position", "pk")
        .prefetch_related(Prefetch("topics", queryset=topics))
    )
    meetings = (
        Meeting.objects.order_by("date")
        .select_related("deep_dive__presenter")
        .prefetch_related(
            Prefetch("blocks", queryset=blocks), Prefetch("deep_dive__remarks", queryset=remarks)
        )
    )
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "members": [
            {
                "handle": user.handle,
                "display_name": user.display_name,
                "email": user.email,
                "is_organizer": user.is_organizer,
                "is_active": user.is_active,
                "date_joined": _stamp(user.date_joined),
            }
            for user in User.objects.order_by("handle")
        ],
        "links": [_link(link) for link in Link.objects.order_by("canonical_url")],
        "meetings": [_meeting(meeting) for meeting in meetings],
        "papers": _papers(),
    }


def _papers() -> list[dict[str, Any]]:
    notes = LibraryNote.objects.select_related("author").prefetch_related("tags")
    papers = Paper.objects.order_by("key").prefetch_related(
        "tags", "links__link", Prefetch("notes", queryset=notes)
    )
    return [
        {
            "key": paper.key,
            "title": paper.title,
            "authors": paper.authors,
            "more_authors": paper.more_authors,
            "abstract": paper.abstract,
            "venue": paper.venue,
            "published": paper.published.isoformat() if paper.published else None,
            "categories": paper.categories,
            "tags": sorted(t.label for t in paper.tags.all()),
            "links": sorted(pl.link.canonical_url for pl in paper.links.all()),
            "created_at": _stamp(paper.created_at),
            "updated_at": _stamp(paper.updated_at),
            "notes": [
                _library_note(note)
                for note in sorted(
                    paper.notes.all(),
                    key=lambda n: (n.author.handle, n.source, n.source_key, n.created_at),
                )
            ],
        }
        for paper in papers
    ]


def _library_note(note: LibraryNote) -> dict[str, Any]:
    return {
        "author": note.author.handle,
        "source": note.source,
        "source_key": note.source_key,
        "noted_on": note.noted_on.isoformat() if note.noted_on else None,
        "summary": note.summary,
        "comment": note.comment,
        "sections": note.sections,
        "qa": note.qa,
        "mentions": note.mentions,
        "tags": sorted(t.label for t in note.tags.all()),
        "created_at": _stamp(note.created_at),
        "updated_at": _stamp(note.updated_at),
    }


_LINK_METADATA = (
    "title", "description", "site_name", "authors", "published", "image_url", "favicon_url",
    "suggested_kind", "extra",
)  # fmt: skip


def _link(link: Link) -> dict[str, Any]:
    return {
        "url": link.canonical_url,
        "status": link.status,
        "failure_reason": link.failure_reason,
        "failure_message": link.failure_message,
        "attempts": link.attempts,
        "fetched_at": _stamp(link.fetched_at),
        **{name: getattr(link, name) for name in _LINK_METADATA},
        "created_at": _stamp(link.created_at),
        "updated_at": _stamp(link.updated_at),
    }


def _meeting(meeting: Meeting) -> dict[str, Any]:
    deep_dive = getattr(meeting, "deep_dive", None)
    return {
        "date": meeting.date.isoformat(),
        "title": meeting.title,
        "guidance": meeting.guidance,
        "status": meeting.status,
        "created_at": _stamp(meeting.created_at),
        "updated_at": _stamp(meeting.updated_at),
        "presenters": [
            {
                "presenter": block.presenter.handle,
                "topics": [
                    {
                        "kind": topic.kind,
                        "title": topic.title,
                        "url": topic.url,
                        "notes": topic.notes,
                        "version": topic.version,
                        "deleted_at": _stamp(topic.deleted_at),
                        "created_at": _stamp(topic.created_at),
                        "updated_at": _stamp(topic.updated_at),
                        "remarks": [_remark(r) for r in topic.remarks.all()],
                    }
                    for topic in block.topics.all()
                ],
            }
            for block in meeting.blocks.all()
        ],
        "deep_dive": None
        if deep_dive is None
        else {
            "presenter": deep_dive.presenter.handle,
            "title": deep_dive.title,
            "paper_url": deep_dive.paper_url,
            "body": deep_dive.body,
            "version": deep_dive.version,
            "created_at": _stamp(deep_dive.created_at),
            "updated_at": _stamp(deep_dive.updated_at),
            "remarks": [_remark(r) for r in deep_dive.remarks.all()],
        },
    }


# --------------------------------------------------------------------------------------------
# Restore
# --------------------------------------------------------------------------------------------


class _Reader:
    """Typed access to the decoded JSON; every error names where in the file it is."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ArchiveError(_("%(path)s はオブジェクトではありません。") % {"path": path})
        self.data, self.path = data, path

    def get(self, key: str, kind: type, *, optional: bool = False):
        value = self.data.get(key)
        if value is None and optional:
            return None
        # JSON true/false are Python bools, which are ints too: a count must not be `true`.
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ArchiveError(
                _("%(path)s.%(key)s がないか、型が違います。") % {"path": self.path, "key": key}
            )
        return value

    def items(self, key: str) -> list[_Reader]:
        return [
            _Reader(item, f"{self.path}.{key}[{i}]") for i, item in enumerate(self.get(key, list))
        ]

    def stamp(self, key: str) -> dt.datetime | None:
        value = self.get(key, str, optional=True)
        try:
            return dt.datetime.fromisoformat(value) if value else None
        except ValueError:
            raise ArchiveError(
                _("%(path)s.%(key)s は日時ではありません。") % {"path": self.path, "key": key}
            ) from None


# Deeper than any archive export_archive writes (its deepest value is a link's `extra`).
MAX_DEPTH = 32
# Edit counters and attempts are PositiveIntegerFields: 0 … 2**31 - 1 on every database.
MAX_COUNTER = 2**31 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_values(data: Any) -> None:
    """Refuse what no database can store, naming where it is: nesting deeper than MAX_DEPTH,
    NUL characters (PostgreSQL refuses them) and lone surrogates (not encodable as UTF-8)."""
    stack: list[tuple[Any, str, int]] = [(data, "archive", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ArchiveError(_("%(path)s に NUL 文字があります。") % {"path": path})
            if _SURROGATE.search(value):
                raise ArchiveError(
                    _("%(path)s に対のないサロゲート文字があります（UTF-8 にできません）。")
                    % {"path": path}
                )
            continue
        if isinstance(value, dict | list) and depth >= MAX_DEPTH:
            raise ArchiveError(
                _("%(path)s の入れ子が深すぎます（%(max)s 段まで）。")
                % {"path": path, "max": MAX_DEPTH}
            )
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, f"{path} (key)", depth + 1))
                stack.append((item, f"{path}.{key}"[:200], depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))


def _restore_history(model, pk: int, **fields) -> None:
    # Timestamps and edit counters are recorded history, which no service sets by design;
    # restoring them is not an edit, so it bypasses save() (auto_now would overwrite them).
    model.objects.filter(pk=pk).update(**{k: v for k, v in fields.items() if v is not None})


@transaction.atomic
def archive_import(*, data: Any) -> dict[str, int]:
    """Restore an archive into an empty database, all or nothing. Returns counts per kind."""
    root = _Reader(data, "archive")
    if root.data.get("format") != FORMAT:
        raise ArchiveError(_("勉強会ボードのアーカイブ（JSON）ではありません。"))
    version = root.data.get("schema_version")
    if type(version) is not int or version not in READABLE_VERSIONS:
        raise ArchiveError(
            _(
                "archive.schema_version: スキーマ %(found)s のアーカイブは読めません"
                "（このバージョンが読めるのは %(known)s）。"
            )
            % {"found": str(version)[:40], "known": SCHEMA_VERSION}
        )
    _check_values(data)
    if User.objects.exists() or Meeting.objects.exists():
        raise ArchiveError(
            _("データベースが空ではありません。アーカイブは空のデータベースにだけ復元できます。")
        )
    restore = _Restore()
    for item in root.items("members"):
        restore.member(item)
    # Before the topics: a topic then finds its link already fetched and queues no fetch.
    for item in root.items("links"):
        restore.link(item)
    for item in root.items("meetings"):
        restore.meeting(item)
    if version >= 2:
        for item in root.items("papers"):
            restore.paper(item)
    return restore.counts


class _Restore:
    def __init__(self) -> None:
        self.members: dict[str, User] = {}
        self.counts = dict.fromkeys(
            (
                "members",
                "links",
                "meetings",
                "topics",
                "remarks",
                "deep_dives",
                "papers",
                "library_notes",
            ),
            0,
        )

    def member(self, item: _Reader) -> None:
        user = _create(
            item,
            member_create,
            handle=item.get("handle", str),
            display_name=item.get("display_name", str),
            email=item.get("email", str),
            is_organizer=item.get("is_organizer", bool),
        )
        _restore_history(
            User,
            user.pk,
            is_active=item.get("is_active", bool),
            date_joined=item.stamp("date_joined"),
        )
        self.members[user.handle] = user
        self.counts["members"] += 1

    def link(self, item: _Reader) -> None:
        link = link_for_pasted_url(item.get("url", str))
        if link is None:
            raise ArchiveError(_("%(path)s.url はリンクにできません。") % {"path": item.path})
        status = item.get("status", str)
        metadata = Metadata(
            **{
                name: item.get(
                    name, list if name == "authors" else dict if name == "extra" else str
                )
                for name in _LINK_METADATA
            }
        )
        found_before = metadata.title or metadata.description or metadata.authors
        if status == Link.Status.OK or (status == Link.Status.FAILED and found_before):
            # A failed card may still show what an earlier fetch found (title, authors,
            # abstract): restored the same way, then marked failed.
            link_store_metadata(link=link, metadata=metadata, thumbnail_webp=None)
        if status == Link.Status.FAILED:
            link_mark_failed(
                link=link,
                reason=item.get("failure_reason", str),
                message=item.get("failure_message", str),
            )
        # Anything else was waiting for a fetch, and stays pending: the sweep will fetch it.
        _restore_history(
            Link,
            link.pk,
            attempts=_counter(item, "attempts", least=0),
            fetched_at=item.stamp("fetched_at"),
            **_history(item),
        )
        self.counts["links"] += 1

    def meeting(self, item: _Reader) -> None:
        try:
            date = dt.date.fromisoformat(item.get("date", str))
        except ValueError:
            raise ArchiveError(
                _("%(path)s.date は日付ではありません。") % {"path": item.path}
            ) from None
        meeting = _create(
            item,
            meeting_create,
            date=date,
            title=item.get("title", str),
            guidance=item.get("guidance", str),
            status=item.get("status", str),
        )
        _restore_history(Meeting, meeting.pk, **_history(item))
        self.counts["meetings"] += 1
        for block in item.items("presenters"):
            presenter = self._member_at(block, "presenter")
            _create(block, presenter_block_for, meeting=meeting, presenter=presenter)
            for entry in block.items("topics"):
                topic = _create(
                    entry,
                    topic_create,
                    meeting=meeting,
                    presenter=presenter,
                    kind=entry.get("kind", str),
                    title=entry.get("title", str),
                    url=entry.get("url", str),
                    notes=entry.get("notes", str),
                )
                _restore_history(
                    Topic, topic.pk, deleted_at=entry.stamp("deleted_at"), **_history(entry)
                )
                self.counts["topics"] += 1
                self._remarks(entry, topic=topic)
        if item.data.get("deep_dive") is not None:
            entry = _Reader(item.data["deep_dive"], f"{item.path}.deep_dive")
            deep_dive = _create(
                entry,
                deep_dive_set,
                meeting=meeting,
                presenter=self._member_at(entry, "presenter"),
                title=entry.get("title", str),
                paper_url=entry.get("paper_url", str),
                body=entry.get("body", str),
            )
            _restore_history(DeepDive, deep_dive.pk, **_history(entry))
            self.counts["deep_dives"] += 1
            self._remarks(entry, deep_dive=deep_dive)

    def paper(self, item: _Reader) -> None:
        key = PaperKey.parse(item.get("key", str))
        if key is None:
            raise ArchiveError(_("%(path)s.key は論文のキーではありません。") % {"path": item.path})
        paper = paper_services.paper_for_key(key, title=item.get("title", str))
        for url in item.get("links", list):
            link = link_for_pasted_url(str(url))
            if link is not None:
                paper_services.paper_attach_link(paper=paper, link=link)
        published = item.get("published", str, optional=True)
        paper.title = item.get("title", str)
        paper.authors = item.get("authors", list)
        paper.more_authors = item.get("more_authors", bool)
        paper.abstract = item.get("abstract", str)
        paper.venue = item.get("venue", str)
        paper.published = _date_at(item, "published") if published else None
        paper.categories = item.get("categories", list)
        paper.save()
        paper_services.paper_add_tags(paper=paper, names=_tag_names(item))
        _restore_history(Paper, paper.pk, **_history(item))
        self.counts["papers"] += 1
        for entry in item.items("notes"):
            note = LibraryNote(
                paper=paper,
                author=self._member_at(entry, "author"),
                source=entry.get("source", str),
                source_key=entry.get("source_key", str),
                noted_on=_date_at(entry, "noted_on") if entry.data.get("noted_on") else None,
                summary=entry.get("summary", str),
                comment=entry.get("comment", str),
                sections=entry.get("sections", list),
                qa=entry.get("qa", list),
                mentions=entry.get("mentions", list),
            )
            note = _create(
                entry, paper_services.library_note_save, note=note, tags=_tag_names(entry)
            )
            _restore_history(LibraryNote, note.pk, **_history(entry))
            self.counts["library_notes"] += 1

    def _remarks(self, item: _Reader, **target) -> None:
        for entry in item.items("remarks"):
            remark = _create(
                entry,
                remark_create,
                author=self._member_at(entry, "author"),
                body=entry.get("body", str),
                **target,
            )
            _restore_history(Remark, remark.pk, **_history(entry))
            self.counts["remarks"] += 1

    def _member_at(self, item: _Reader, key: str) -> User:
        handle = item.get(key, str)
        if handle not in self.members:
            raise ArchiveError(
                _("%(path)s.%(key)s: メンバー %(handle)s がいません。")
                % {"path": item.path, "key": key, "handle": handle}
            )
        return self.members[handle]


def _date_at(item: _Reader, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(item.get(key, str))
    except ValueError:
        raise ArchiveError(
            _("%(path)s.%(key)s は日付ではありません。") % {"path": item.path, "key": key}
        ) from None


def _tag_names(item: _Reader) -> list:
    names = []
    for label in item.get("tags", list):
        tag = normalize_tag(str(label))
        if tag is None:
            raise ArchiveError(
                _("%(path)s.tags: 「%(label)s」はタグにできません。")
                % {"path": item.path, "label": str(label)[:40]}
            )
        names.append(tag)
    return names


def _history(item: _Reader) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "created_at": item.stamp("created_at"),
        "updated_at": item.stamp("updated_at"),
    }
    if "version" in item.data:
        fields["version"] = _counter(item, "version", least=1)
    return fields


def _counter(item: _Reader, key: str, *, least: int) -> int:
    value = item.get(key, int)
    if not least <= value <= MAX_COUNTER:
        raise ArchiveError(
            _("%(path)s.%(key)s は %(least)s から %(most)s までの整数です（%(found)s）。")
            % {
                "path": item.path,
                "key": key,
                "least": least,
                "most": MAX_COUNTER,
                "found": str(value)[:40],
            }
        )
    return value


def _create(item: _Reader, service, **kwargs):
    try:
        return service(**kwargs)
    except ValidationError as exc:
        raise ArchiveError(f"{item.path}: {' '.join(exc.messages)}") from exc
