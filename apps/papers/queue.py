"""Writes for the reading queue: 聞きたい votes, proposals, claims to present, withdrawals.

Votes say which state the member wants (on or off), so a double click or a resent form
changes nothing. A claim takes the entry's row lock: of two members claiming at once, one
gets the topic and the other is told who was first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import is_organizer
from apps.links.services import enqueue_fetch_on_commit, link_for_pasted_url
from apps.meetings.models import Meeting
from apps.meetings.selectors import today
from apps.meetings.services import meeting_touch
from apps.topics.models import Topic
from apps.topics.services import AUTO_KIND, topic_create

from .identity import PaperKey
from .models import LibraryNote, Paper, QueueEntry, Vote
from .services import paper_for_link

if TYPE_CHECKING:
    from apps.accounts.models import User

REQUEST_MAX = 300
CLAIM_NOTES_MAX = 50_000


class QueueError(ValueError):
    """A queue action that cannot be done; the message says why, for the member."""


class AlreadyClaimed(QueueError):
    def __init__(self, entry: QueueEntry) -> None:
        who = entry.claimed_by.display_name if entry.claimed_by else _("ほかのメンバー")
        super().__init__(_("%(who)sさんがすでに発表を引き受けています。") % {"who": who})
        self.entry = entry


@dataclass(frozen=True)
class Proposal:
    entry: QueueEntry
    created: bool  # False: it was in the queue already, and the proposal became a vote


def _set_vote(
    *, member: User, on: bool, entry: QueueEntry | None = None, topic: Topic | None = None
) -> None:
    votes = Vote.objects.filter(member=member, entry=entry, topic=topic)
    if not on:
        deleted, _rows = votes.delete()
        _count(entry, -deleted)
        return
    if votes.exists():
        return
    try:
        with transaction.atomic():
            Vote.objects.create(member=member, entry=entry, topic=topic)
    except IntegrityError:
        return  # the same member's other request won: voted once, as asked
    _count(entry, +1)


def _count(entry: QueueEntry | None, change: int) -> None:
    # Only after a row really came or went, and as an increment: exact under concurrent votes.
    if entry is not None and change:
        QueueEntry.objects.filter(pk=entry.pk).update(vote_count=F("vote_count") + change)


def _locked_open_entry(entry_id: int) -> QueueEntry:
    # No join: after waiting for another claim, the row is re-read but joined rows are not.
    entry = QueueEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None or entry.status == QueueEntry.Status.WITHDRAWN:
        raise QueueError(_("このリクエストは取り下げられました。"))
    if entry.status == QueueEntry.Status.CLAIMED:
        raise AlreadyClaimed(entry)
    return entry


def _open_entry(
    *, kind: str, member: User, paper: Paper | None = None, topic: Topic | None = None
) -> tuple[QueueEntry, bool]:
    """The open entry for a paper or a past topic, created by this member if there is none."""
    target: dict[str, object] = (
        {"topic": topic} if kind == QueueEntry.Kind.AGAIN else {"paper": paper}
    )
    entries = QueueEntry.objects.filter(kind=kind, status=QueueEntry.Status.OPEN, **target)
    found = entries.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            entry = QueueEntry.objects.create(kind=kind, proposed_by=member, **target)
            return entry, True
    except IntegrityError:  # proposed by someone else at the same moment
        return entries.get(), False


def _drop_if_unwanted(entry: QueueEntry, member: User) -> None:
    """A paper queued by one click leaves the queue when that click is taken back."""
    if entry.proposed_by_id == member.pk and not entry.text and not entry.votes.exists():
        entry.delete()


@transaction.atomic
def vote_entry(*, entry_id: int, member: User, on: bool) -> None:
    entry = _locked_open_entry(entry_id)
    _set_vote(member=member, on=on, entry=entry)
    if not on:
        _drop_if_unwanted(entry, member)
    _touch_boards(entry)


@transaction.atomic
def vote_paper(*, paper: Paper, member: User, on: bool) -> QueueEntry | None:
    """聞きたい on a library paper: it joins the queue with the first vote."""
    if on:
        entry, _created = _open_entry(kind=QueueEntry.Kind.PAPER, member=member, paper=paper)
        _set_vote(member=member, on=True, entry=entry)
        return entry
    waiting = QueueEntry.objects.open().filter(kind=QueueEntry.Kind.PAPER, paper=paper).first()
    if waiting is not None:
        _set_vote(member=member, on=False, entry=waiting)
        _drop_if_unwanted(waiting, member)
    return waiting


def topic_is_past(topic: Topic) -> bool:
    meeting = topic.block.meeting
    return meeting.date < today() or meeting.status == Meeting.Status.HELD


@transaction.atomic
def vote_topic(*, topic_id: int, member: User, on: bool) -> None:
    """聞きたい on a proposed topic, or もう一度詳しく on a past one (which queues it)."""
    topic = (
        Topic.objects.live()
        .select_related("block__meeting", "link__paper_link__paper")
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        raise QueueError(_("このトピックは削除されました。"))
    if not topic_is_past(topic):
        _set_vote(member=member, on=on, topic=topic)
    elif on:
        paper = _paper_of(topic)
        entry, _created = _open_entry(kind=QueueEntry.Kind.AGAIN, member=member, topic=topic)
        if paper is not None and entry.paper_id is None:
            entry.paper = paper
            entry.save(update_fields=["paper"])
        _set_vote(member=member, on=True, entry=entry)
    else:
        waiting = QueueEntry.objects.open().filter(kind=QueueEntry.Kind.AGAIN, topic=topic).first()
        if waiting is not None:
            _set_vote(member=member, on=False, entry=waiting)
            _drop_if_unwanted(waiting, member)
    meeting_touch(meeting_id=topic.block.meeting_id)


def _paper_of(topic: Topic) -> Paper | None:
    link = topic.link
    paper_link = getattr(link, "paper_link", None) if link is not None else None
    return paper_link.paper if paper_link is not None else None


def _touch_boards(entry: QueueEntry) -> None:
    # A past topic's card shows its もう一度詳しく count: its board's cache must move on.
    if entry.kind == QueueEntry.Kind.AGAIN and entry.topic_id:
        meeting_id = Topic.objects.filter(pk=entry.topic_id).values_list(
            "block__meeting_id", flat=True
        )
        for pk in meeting_id:
            meeting_touch(meeting_id=pk)


@transaction.atomic
def queue_propose(*, member: User, url: str = "", text: str = "") -> Proposal:
    """A paper by its URL (it becomes a library paper with its card), or a request in words."""
    url, text = url.strip(), " ".join(text.split())
    if url:
        link = link_for_pasted_url(url)
        paper = paper_for_link(link) if link is not None else None
        if link is None or paper is None:
            raise QueueError(
                _(
                    "論文のURLではないようです。arXiv・DOI・OpenReview・ACL AnthologyのURLを"
                    "貼るか、リクエストとして文章で書いてください。"
                )
            )
        enqueue_fetch_on_commit(link)
        entry, created = _open_entry(kind=QueueEntry.Kind.PAPER, member=member, paper=paper)
        if created and text:
            entry.text = text[:REQUEST_MAX]
            entry.save(update_fields=["text"])
    elif text:
        if len(text) > REQUEST_MAX:
            raise QueueError(_("リクエストは%(max)s文字までです。") % {"max": REQUEST_MAX})
        entry = QueueEntry.objects.create(
            kind=QueueEntry.Kind.REQUEST, text=text, proposed_by=member
        )
        created = True
    else:
        raise QueueError(_("論文のURLか、聞きたいことを入力してください。"))
    _set_vote(member=member, on=True, entry=entry)
    return Proposal(entry=entry, created=created)


@transaction.atomic
def queue_withdraw(*, entry_id: int, member: User) -> None:
    entry = _locked_open_entry(entry_id)
    if entry.proposed_by_id != member.pk and not is_organizer(member):
        raise QueueError(_("取り下げられるのは提案した人と運営だけです。"))
    entry.status = QueueEntry.Status.WITHDRAWN
    entry.save(update_fields=["status"])
    _touch_boards(entry)


def next_open_meeting(*, on: dt.date | None = None) -> Meeting | None:
    """Where a claimed paper goes: the soonest meeting that takes topics (募集中)."""
    return (
        Meeting.objects.filter(date__gte=on or today(), status=Meeting.Status.OPEN)
        .order_by("date")
        .first()
    )


def paper_url(paper: Paper) -> str:
    """The paper's URL for a topic: the link the group met it by, or its id's landing page."""
    link = paper.links.select_related("link").order_by("pk").first()
    if link is not None:
        return link.link.canonical_url
    key = PaperKey.parse(paper.key)
    return (key.url or "") if key is not None else ""


def _notes_from_library(paper: Paper, member: User) -> str:
    note = (
        LibraryNote.objects.filter(paper=paper, author=member).order_by("-noted_on", "-pk").first()
    )
    if note is None:
        return ""
    parts = [note.summary.strip(), note.comment.strip()]
    return "\n\n".join(part for part in parts if part)[:CLAIM_NOTES_MAX]


@dataclass(frozen=True)
class _TopicFields:
    kind: str
    title: str
    url: str
    notes: str


def _topic_fields(entry: QueueEntry, member: User) -> _TopicFields:
    if entry.kind == QueueEntry.Kind.PAPER and entry.paper is not None:
        return _TopicFields(
            kind=Topic.Kind.PAPER,
            title=entry.paper.title[:300],
            url=paper_url(entry.paper)[:2000],
            notes=_notes_from_library(entry.paper, member),
        )
    if entry.kind == QueueEntry.Kind.AGAIN and entry.topic is not None:
        past = entry.topic
        reference = _("%(date)s に @%(presenter)s さんが紹介したトピックを、もう一度詳しく。") % {
            "date": f"{past.block.meeting.date:%Y-%m-%d}",
            "presenter": past.block.presenter.handle,
        }
        notes = _notes_from_library(entry.paper, member) if entry.paper else ""
        return _TopicFields(
            kind=past.kind,
            title=past.display_title[:300],
            url=past.url,
            notes="\n\n".join(part for part in (reference, notes) if part),
        )
    return _TopicFields(kind=AUTO_KIND, title=entry.text[:300], url="", notes="")


@transaction.atomic
def queue_claim(*, entry_id: int, member: User, on: dt.date | None = None) -> Topic:
    """この論文を発表する: the member's topic on the next open meeting, prefilled from the
    entry and from their own library note; the voters' 聞きたい follow it to the board."""
    entry = _locked_open_entry(entry_id)
    meeting = next_open_meeting(on=on)
    if meeting is None:
        raise QueueError(
            _("トピックを募集中の勉強会がありません。運営が次回を「募集中」にすると発表できます。")
        )
    entry = QueueEntry.objects.select_related(
        "paper", "topic__block__meeting", "topic__block__presenter"
    ).get(pk=entry.pk)
    fields = _topic_fields(entry, member)
    topic = topic_create(
        meeting=meeting,
        presenter=member,
        kind=fields.kind,
        title=fields.title,
        url=fields.url,
        notes=fields.notes,
    )
    Vote.objects.bulk_create(
        [
            Vote(member_id=member_id, topic=topic)
            for member_id in entry.votes.exclude(member=member).values_list("member_id", flat=True)
        ],
        ignore_conflicts=True,
    )
    entry.status = QueueEntry.Status.CLAIMED
    entry.claimed_by = member
    entry.claimed_at = timezone.now()
    entry.claimed_topic = topic
    entry.save(update_fields=["status", "claimed_by", "claimed_at", "claimed_topic"])
    _touch_boards(entry)
    return topic
