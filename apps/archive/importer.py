"""Old notes → meeting, members, topics, remarks and main topic, written through the services.

One file is one meeting and one transaction: a file is imported whole or not at all. Importing
the same file again writes nothing; an edited file updates what it changed. How rows are
matched on a re-import (README, "Import and export"):

- the meeting by its date;
- members by handle, else by display name (NFKC, case-insensitive), else by the
  handle derived from the display name; unknown ones are created without a password;
- topics within the presenter's block: same kind and title (normalized), else same title,
  else the same position among the topics not matched yet (a retitled topic); the rest are new.
  Topics on the board that the file does not mention are kept, and deleted ones stay deleted;
- remarks by (topic, author, text); a remark edited in place in the notes updates its row.

A value missing from the file never clears one in the database: the plain export lost every
URL, so re-importing it must not wipe the links added since.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.services import member_create
from apps.core.markdown import RenderDeadlineExceeded, render_ahead
from apps.deepdives.models import DeepDive
from apps.deepdives.services import deep_dive_set
from apps.meetings.models import Meeting
from apps.meetings.services import meeting_create, meeting_update, touches_deferred
from apps.papers.paper_matches import paper_matches_queue_for_meeting
from apps.search.indexing import index_deferred
from apps.topics.models import Remark, Topic
from apps.topics.services import remark_create, remark_save, topic_create, topic_save

from .import_limits import MAX_NEW_MEMBERS_PER_FILE, markdown_sources, over_limits
from .notes_format import (
    INFO,
    WARNING,
    NotesError,
    ParsedMeeting,
    ParsedPresenter,
    ParsedRemark,
    Problem,
    decode,
    detect_variant,
    parse,
)
from .syntax import EXPORT_TAGS, derive_handle, name_key, remark_stands_in

logger = logging.getLogger(__name__)

# Who the main topic is attributed to when the export does not say (the plain export never
# does): an honest placeholder that organizers can reassign, rather than a guess.
UNKNOWN_PRESENTER = ("unknown-presenter", "発表者不明")

CREATED, UPDATED, UNCHANGED, KEPT, SKIPPED = "created", "updated", "unchanged", "kept", "skipped"
REFUSED, FAILED = "refused", "failed"


@dataclass
class Change:
    action: str  # created / updated / unchanged / kept / skipped
    what: str  # meeting / member / topic / remark / deep_dive
    label: str
    line: int | None = None
    fields: list[str] = field(default_factory=list)


@dataclass
class FileReport:
    """What importing one file did (or, in a dry run, would do)."""

    name: str
    dry_run: bool = False
    status: str = REFUSED  # created / updated / unchanged / refused / failed
    encoding: str = ""
    variant: str = ""
    meeting: str = ""  # "2025-03-28 機械学習勉強会"
    meeting_date: str = ""  # ISO date, for links
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status not in {REFUSED, FAILED}

    def count(self, action: str, what: str) -> int:
        return sum(1 for c in self.changes if c.action == action and c.what == what)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def import_notes(
    *,
    data: bytes,
    name: str,
    dry_run: bool = False,
    size: int | None = None,
    deadline: float | None = None,
) -> FileReport:
    """Import one exported file. Never raises for bad input: the report says what happened.

    `size` is the real size when `data` was read only up to the limit (uploads, big files).
    `deadline` (a time.monotonic() value) bounds the rendering; a file not rendered by then is
    reported as failed and nothing of it is written.
    """
    report = FileReport(name=name, dry_run=dry_run)
    try:
        text, report.encoding = decode(data, size=size)
        report.variant = detect_variant(text, name=name)
        parsed = parse(text, variant=report.variant)
    except NotesError as exc:
        report.problems.append(Problem(exc.line, exc.message))
        return report
    report.meeting = f"{parsed.date:%Y-%m-%d} {parsed.title or settings.GROUP_NAME}"
    report.meeting_date = parsed.date.isoformat()
    if report.encoding != "UTF-8":
        report.problems.append(
            Problem(
                None,
                _("文字コード %(encoding)s として読みました。") % {"encoding": report.encoding},
                INFO,
            )
        )
    report.problems.extend(parsed.problems)
    if parsed.errors:
        return report
    too_much = over_limits(parsed)
    if too_much:
        report.problems.extend(too_much)
        return report
    try:
        # Markdown is rendered before the transaction opens: SQLite has one writer, and every
        # other request waits while an import holds the write lock.
        with (
            render_ahead(markdown_sources(parsed), deadline=deadline),
            transaction.atomic(),
            touches_deferred(),
            index_deferred(),
        ):
            report.status = _MeetingImport(parsed, report).run()
            if dry_run:
                transaction.set_rollback(True)
            else:
                # The export lost the papers' URLs: search arXiv by title. Queued in the same
                # transaction, so an import killed right after its commit loses no search
                # (beat's sweep starts the ones no worker was told about).
                paper_matches_queue_for_meeting(date=parsed.date)
    except (RenderDeadlineExceeded, SoftTimeLimitExceeded):
        report.status = FAILED
        report.problems.append(
            Problem(
                None,
                _(
                    "制限時間内に取り込めませんでした。ファイルを分けるか、運営者に連絡してください。"
                ),
            )
        )
    except _Refused as exc:
        report.status = REFUSED
        report.problems.append(exc.problem)
    except DatabaseError:
        # E.g. someone else imported the same meeting at the same moment.
        logger.exception("Importing %s failed", name)
        report.status = FAILED
        report.problems.append(
            Problem(None, _("データベースへの書き込みに失敗しました。もう一度試してください。"))
        )
    except Exception:
        # One broken file must not stop the other files of the run; the log has the details.
        logger.exception("Importing %s failed", name)
        report.status = FAILED
        report.problems.append(
            Problem(None, _("内部エラーで取り込めませんでした。運営者に連絡してください。"))
        )
    if not report.ok:
        report.changes = []  # rolled back: nothing of it happened
    report.problems.sort(key=lambda p: p.line or 0)
    return report


def _write(line: int | None, service, **kwargs):
    """Call a service; a validation error becomes a refusal at the line being imported."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        raise _Refused(Problem(line, " ".join(exc.messages))) from exc


class _Members:
    """Finds or creates the members one file names, with one query for all of them."""

    def __init__(self, parsed: ParsedMeeting, report: FileReport) -> None:
        self.report = report
        presenters = list(parsed.presenters)
        if parsed.deep_dive and parsed.deep_dive.presenter:
            presenters.append(parsed.deep_dive.presenter)
        remarks = [r for p in parsed.presenters for t in p.topics for r in t.remarks]
        if parsed.deep_dive:
            remarks += parsed.deep_dive.remarks
        handles = {p.handle or derive_handle(p.display_name) for p in presenters}
        handles |= {r.handle for r in remarks} | {UNKNOWN_PRESENTER[0]}
        names = {name_key(p.display_name) for p in presenters}
        users = (
            User.objects.annotate(name_lower=Lower("display_name"))
            .filter(Q(handle__in=handles) | Q(name_lower__in=names))
            .order_by("pk")
        )
        self.by_handle: dict[str, User] = {}
        self.by_name: dict[str, User] = {}
        for user in users:
            self.by_handle[user.handle] = user
            self.by_name.setdefault(name_key(user.display_name), user)

    def presenter(self, presenter: ParsedPresenter) -> User:
        key = name_key(presenter.display_name)
        if presenter.handle:
            user = self.by_handle.get(presenter.handle)
            if user is None and key in self.by_name:
                user = self.by_name[key]
                self.report.problems.append(
                    Problem(
                        presenter.line,
                        _(
                            "@%(name)s は既存のメンバー %(handle)s として取り込みました"
                            "（ファイルのハンドルは %(given)s）。"
                        )
                        % {
                            "name": presenter.display_name,
                            "handle": user.handle,
                            "given": presenter.handle,
                        },
                        WARNING,
                    )
                )
        else:
            user = self.by_name.get(key) or self.by_handle.get(
                derive_handle(presenter.display_name)
            )
        if user is None:
            handle = presenter.handle or derive_handle(presenter.display_name)
            user = self._create(handle, presenter.display_name, presenter.line)
        return user

    def author(self, remark: ParsedRemark) -> User:
        return self.by_handle.get(remark.handle) or self._create(
            remark.handle, remark.handle, remark.line
        )

    def unknown_presenter(self, line: int) -> User:
        handle, display_name = UNKNOWN_PRESENTER
        return self.by_handle.get(handle) or self._create(handle, display_name, line)

    def _create(self, handle: str, display_name: str, line: int | None) -> User:
        if self.report.count(CREATED, "member") >= MAX_NEW_MEMBERS_PER_FILE:
            raise _Refused(
                Problem(
                    line,
                    _(
                        "1ファイルで新しく作れるメンバーは%(limit)s人までです。"
                        "@%(name)s で上限を超えたため、このファイルは取り込みませんでした。"
                    )
                    % {"limit": MAX_NEW_MEMBERS_PER_FILE, "name": display_name},
                )
            )
        user = _write(line, member_create, handle=handle, display_name=display_name)
        self.by_handle[user.handle] = user
        self.by_name.setdefault(name_key(display_name), user)
        self.report.changes.append(
            Change(CREATED, "member", f"@{display_name} ({user.handle})", line)
        )
        return user


class _MeetingImport:
    def __init__(self, parsed: ParsedMeeting, report: FileReport) -> None:
        self.parsed = parsed
        self.report = report
        self.topics_by_presenter: dict[int, list[Topic]] = {}
        self.remarks: dict[tuple[str, int | None], list[Remark]] = {}

    def change(
        self, action: str, what: str, label: str, line: int | None = None, fields=()
    ) -> None:
        self.report.changes.append(Change(action, what, label, line, list(fields)))

    def run(self) -> str:
        parsed = self.parsed
        meeting = Meeting.objects.filter(date=parsed.date).first()
        new = meeting is None
        if meeting is None:
            meeting = self._create_meeting()
        else:
            self._update_meeting(meeting)
            self._load_existing(meeting)
        self.members = _Members(parsed, self.report)
        for presenter in parsed.presenters:
            self._presenter_topics(meeting, self.members.presenter(presenter), presenter)
        if parsed.deep_dive:
            self._deep_dive(meeting, new=new)
        if new:
            return CREATED
        touched = any(c.action in {CREATED, UPDATED} for c in self.report.changes)
        return UPDATED if touched else UNCHANGED

    # --- the meeting -------------------------------------------------------------------------

    def _create_meeting(self) -> Meeting:
        parsed = self.parsed
        past = parsed.date < timezone.localdate()
        meeting = _write(
            1,
            meeting_create,
            date=parsed.date,
            title=parsed.title or None,
            guidance=parsed.guidance,
            status=Meeting.Status.HELD if past else Meeting.Status.OPEN,
        )
        self.change(CREATED, "meeting", str(meeting), 1)
        return meeting

    def _update_meeting(self, meeting: Meeting) -> None:
        wanted = {"title": self.parsed.title, "guidance": self.parsed.guidance}
        changed = {k: v for k, v in wanted.items() if v and getattr(meeting, k) != v}
        if changed:
            _write(1, meeting_update, meeting=meeting, **changed)
            self.change(UPDATED, "meeting", str(meeting), 1, changed)
        else:
            self.change(UNCHANGED, "meeting", str(meeting), 1)

    def _load_existing(self, meeting: Meeting) -> None:
        # Deleted topics too: a topic deleted on the board must not come back on re-import.
        for topic in (
            Topic.objects.filter(block__meeting=meeting)
            .select_related("block")
            .order_by("position", "pk")
        ):
            self.topics_by_presenter.setdefault(topic.block.presenter_id, []).append(topic)
        remarks = Remark.objects.filter(
            Q(topic__block__meeting=meeting) | Q(deep_dive__meeting=meeting)
        ).select_related("author")
        for remark in remarks.order_by("created_at", "pk"):
            target = (
                ("topic", remark.topic_id)
                if remark.topic_id
                else ("deep_dive", remark.deep_dive_id)
            )
            self.remarks.setdefault(target, []).append(remark)

    # --- topics ------------------------------------------------------------------------------

    def _presenter_topics(self, meeting: Meeting, presenter: User, parsed: ParsedPresenter) -> None:
        existing = self.topics_by_presenter.get(presenter.pk, [])
        matched = _match_topics(parsed.topics, existing)
        for index, item in enumerate(parsed.topics):
            label = f"[{EXPORT_TAGS[item.kind]}] {item.title or item.url}"
            topic = matched.get(index)
            old_notes = topic.notes if topic else ""
            if topic is None:
                topic = _write(
                    item.line,
                    topic_create,
                    meeting=meeting,
                    presenter=presenter,
                    kind=item.kind,
                    title=item.title,
                    url=item.url,
                    notes=item.notes,
                )
                self.change(CREATED, "topic", label, item.line)
            elif topic.deleted_at is not None:
                self.change(SKIPPED, "topic", label, item.line)
                continue
            else:
                wanted = {
                    "kind": item.kind,
                    "title": item.title,
                    "url": item.url or topic.url,
                    "notes": item.notes,
                }
                changed = [k for k, v in wanted.items() if getattr(topic, k) != v]
                if changed:
                    for name in changed:
                        setattr(topic, name, wanted[name])
                    _write(item.line, topic_save, topic=topic)
                    self.change(UPDATED, "topic", label, item.line, changed)
                else:
                    self.change(UNCHANGED, "topic", label, item.line)
            self._remarks(
                item.remarks, ("topic", topic.pk), {"topic": topic}, old_notes, item.notes
            )
        matched_ids = {t.pk for t in matched.values()}
        for topic in existing:
            if topic.pk not in matched_ids and topic.deleted_at is None:
                self.change(
                    KEPT, "topic", f"[{EXPORT_TAGS[topic.kind]}] {topic.title or topic.url}"
                )

    # --- remarks -----------------------------------------------------------------------------

    def _remarks(self, items, target, where: dict, old_text: str, new_text: str) -> None:
        pool = list(self.remarks.get(target, []))
        for item in items:
            author = self.members.author(item)
            same = next((r for r in pool if r.author_id == author.pk and r.body == item.body), None)
            if same is not None:
                pool.remove(same)
                continue
            # A remark edited where it stands: its old text was in the old notes and is gone now.
            edited = next(
                (
                    r
                    for r in pool
                    if r.author_id == author.pk
                    and remark_stands_in(author.handle, r.body, old_text)
                    and not remark_stands_in(author.handle, r.body, new_text)
                ),
                None,
            )
            label = f"[{author.handle}] {item.body[:40]}"
            if edited is not None:
                pool.remove(edited)
                edited.body = item.body
                _write(item.line, remark_save, remark=edited)
                self.change(UPDATED, "remark", label, item.line, ["body"])
            else:
                _write(item.line, remark_create, author=author, body=item.body, **where)
                self.change(CREATED, "remark", label, item.line)

    # --- the main topic ----------------------------------------------------------------------

    def _deep_dive(self, meeting: Meeting, *, new: bool) -> None:
        members = self.members
        item = self.parsed.deep_dive
        assert item is not None  # run() calls this only for notes with a main topic
        existing = (
            None
            if new
            else DeepDive.objects.filter(meeting=meeting).select_related("presenter").first()
        )
        if item.presenter is not None:
            presenter = members.presenter(item.presenter)
        elif existing is not None:
            presenter = existing.presenter  # perhaps set by hand since the first import
        else:
            presenter = members.unknown_presenter(item.line)
            self.report.problems.append(
                Problem(
                    item.line,
                    _(
                        "メインTOPICの発表者が書かれていないため「%(name)s」としました。管理画面で変更できます。"
                    )
                    % {"name": presenter.display_name},
                    WARNING,
                )
            )
        wanted = {
            "presenter": presenter,
            "title": item.title,
            "paper_url": item.url or (existing.paper_url if existing else ""),
            "body": item.body,
        }
        label = item.title
        if existing is None:
            deep_dive = _write(item.line, deep_dive_set, meeting=meeting, **wanted)
            self.change(CREATED, "deep_dive", label, item.line)
            old_body = ""
        else:
            deep_dive, old_body = existing, existing.body
            changed = [k for k, v in wanted.items() if getattr(existing, k) != v]
            if changed:
                _write(item.line, deep_dive_set, meeting=meeting, **wanted)
                self.change(UPDATED, "deep_dive", label, item.line, changed)
            else:
                self.change(UNCHANGED, "deep_dive", label, item.line)
        self._remarks(
            item.remarks, ("deep_dive", deep_dive.pk), {"deep_dive": deep_dive}, old_body, item.body
        )


def _match_topics(items: list, existing: list[Topic]) -> dict[int, Topic]:
    """Parsed topic index → existing topic of the same presenter (see the module docstring)."""
    free = list(existing)
    matched: dict[int, Topic] = {}
    rules = (
        lambda item, topic: (
            topic.kind == item.kind and name_key(topic.title) == name_key(item.title)
        ),
        lambda item, topic: name_key(topic.title) == name_key(item.title),
    )
    for rule in rules:
        for index, item in enumerate(items):
            if index in matched:
                continue
            topic = next((t for t in free if rule(item, t)), None)
            if topic is not None:
                matched[index] = topic
                free.remove(topic)
    for index, _item in enumerate(items):
        if index not in matched and index < len(existing) and existing[index] in free:
            matched[index] = existing[index]
            free.remove(existing[index])
    return matched
