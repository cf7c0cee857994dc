"""Writes for paper matches: queue a title search, record its outcome, an organizer's decision.

A match belongs to one `[論文]` topic that came without a URL, or to one library paper known
only by its title. Attaching a paper to a topic goes through the topic service like any edit
of the URL, so the link card is fetched, the board's revision moves and the search index
follows; it only ever fills an empty URL, never replaces one. A library paper found on arXiv
takes the arXiv id as its key (or joins the paper the group already has under that id).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.versioning import lock_current
from apps.links.services import enqueue_fetch_on_commit, link_for_pasted_url
from apps.meetings.services import meeting_touch
from apps.topics.models import Topic, TopicQuerySet
from apps.topics.services import topic_update

from . import services as paper_services
from .models import Paper, PaperMatch

logger = logging.getLogger(__name__)

Status = PaperMatch.Status


def paper_matches_queue(*, topics: TopicQuerySet, start: bool = True) -> int:
    """Queue a title search for each live, URL-less paper topic among `topics` that has none yet.

    Idempotent: a topic is searched once (re-importing a file queues nothing); an organizer
    asks for a new search on the review page. A worker starts once the caller commits, unless
    `start` is false (the caller runs the searches itself).
    """
    eligible = (
        topics.live()
        .filter(kind=Topic.Kind.PAPER, url="", paper_match__isnull=True)
        .values_list("pk", "title")
    )
    # ignore_conflicts: two imports of the same meeting at once queue each topic once.
    created = PaperMatch.objects.bulk_create(
        [PaperMatch(topic_id=pk, title=title[:300]) for pk, title in eligible],
        ignore_conflicts=True,
    )
    if created and start:
        _schedule_on_commit()
    return len(created)


def paper_matches_queue_for_papers(*, paper_ids: list[int]) -> int:
    """Queue a title search for each of these papers still known only by its title.

    A paper is searched once (a re-import queues nothing); the search starts once the caller
    commits.
    """
    created: list[PaperMatch] = []
    for start in range(0, len(paper_ids), paper_services.BULK_BATCH):
        chunk = paper_ids[start : start + paper_services.BULK_BATCH]
        eligible = Paper.objects.filter(
            pk__in=chunk, key__startswith="title:", paper_match__isnull=True
        ).values_list("pk", "title")
        created += PaperMatch.objects.bulk_create(
            [PaperMatch(paper_id=pk, title=title[:300]) for pk, title in eligible],
            ignore_conflicts=True,
        )
    if created:
        _schedule_on_commit()
    return len(created)


def paper_matches_queue_for_meeting(*, date) -> int:
    """After an import: the meeting's URL-less `[論文]` topics, searched in the background."""
    return paper_matches_queue(topics=Topic.objects.filter(block__meeting__date=date))


def _schedule_on_commit() -> None:
    transaction.on_commit(_send_search)


def _send_search() -> None:
    from .tasks import schedule_paper_searches

    try:
        schedule_paper_searches()
    except Exception:  # any broker failure: the beat sweep queues waiting searches later
        logger.warning("could not queue the paper title search; the sweep will", exc_info=True)


# --- the worker's side ------------------------------------------------------------------------


def paper_match_claim(*, match_ids: list[int]) -> list[PaperMatch]:
    """Mark searches as running, in one statement; those another worker took are left out."""
    stamp = timezone.now()
    PaperMatch.objects.filter(pk__in=match_ids, status=Status.PENDING).update(
        status=Status.SEARCHING, claimed_at=stamp, attempts=F("attempts") + 1
    )
    claimed = PaperMatch.objects.filter(pk__in=match_ids, status=Status.SEARCHING, claimed_at=stamp)
    return list(claimed.select_related("topic__block", "paper").order_by("pk"))


def _lock(match: PaperMatch) -> PaperMatch:
    return lock_current(PaperMatch.objects.select_related("topic__block", "paper"), match.pk, None)


class NotActionable(Exception):
    """The match is not in a state for this write (someone else decided first)."""


def _lock_searching(match: PaperMatch) -> PaperMatch:
    """The worker's outcome is only written while the search is still its own.

    A search swept back into the queue after a stalled worker may be run twice; the later
    outcome must not overwrite the earlier one.
    """
    current = _lock(match)
    if current.status != Status.SEARCHING:
        raise NotActionable(current.status)
    return current


def _save(match: PaperMatch, *, touch: bool) -> PaperMatch:
    match.claimed_at = None
    match.save()
    if touch and match.topic is not None:
        # Organizers see the state on the topic's card, and the board is cached per revision.
        meeting_touch(meeting_id=match.topic.block.meeting_id)
    return match


@transaction.atomic
def paper_match_release(*, match: PaperMatch) -> PaperMatch:
    """Back in the queue: the search did not get to run (rate-limit wait, transient error)."""
    match = _lock(match)
    if match.status == Status.SEARCHING:
        match.status = Status.PENDING
        _save(match, touch=False)
    return match


@transaction.atomic
def paper_match_suggest(
    *, match: PaperMatch, title: str, suggestions: list[dict], reason: str = "", message: str = ""
) -> PaperMatch:
    """Suggestions to confirm, or none at all (NOT_FOUND, with the reason when there is one)."""
    match = _lock_searching(match)
    match.status = Status.SUGGESTED if suggestions else Status.NOT_FOUND
    match.title = title[:300]
    match.suggestions = suggestions
    match.reason, match.message = reason[:40], message[:300]
    match.searched_at = timezone.now()
    return _save(match, touch=True)


@transaction.atomic
def paper_match_fail(*, match: PaperMatch, reason: str, message: str) -> PaperMatch:
    match = _lock_searching(match)
    match.status = Status.FAILED
    match.reason, match.message = reason[:40], message[:300]
    match.searched_at = timezone.now()
    return _save(match, touch=True)


@transaction.atomic
def paper_match_supersede(*, match: PaperMatch) -> PaperMatch:
    """The topic got a URL (or was deleted) before the search or the decision: leave it alone."""
    match = _lock_searching(match)
    match.status = Status.SUPERSEDED
    return _save(match, touch=False)


# --- attaching a paper ----------------------------------------------------------------------


@transaction.atomic
def paper_match_attach(*, match: PaperMatch, arxiv_id: str, by=None) -> PaperMatch:
    """Set the topic's URL to the paper, unless it has a URL by now; `by` None means automatic.

    Returns the match: MATCHED or CONFIRMED when the URL was set, SUPERSEDED when the topic
    had meanwhile got a URL of its own (or was deleted) and was left as it is.
    """
    match = _lock_searching(match) if by is None else _lock(match)
    if match.paper_id is not None:
        return _attach_to_paper(match, arxiv_id=arxiv_id, by=by)
    topic = lock_current(Topic.objects.select_related("block"), match.topic_id or 0, None)
    if topic.url or topic.deleted_at is not None:
        match.status = Status.SUPERSEDED
        return _save(match, touch=True)
    topic_update(
        topic=topic,
        expected_version=topic.version,
        kind=topic.kind,
        title=topic.title,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        notes=topic.notes,
    )
    _decided(match, arxiv_id=arxiv_id, by=by)
    return _save(match, touch=False)  # topic_update has moved the board's revision


def _decided(match: PaperMatch, *, arxiv_id: str, by) -> None:
    match.status = Status.MATCHED if by is None else Status.CONFIRMED
    match.arxiv_id = arxiv_id
    match.resolved_by = by
    match.resolved_at = timezone.now()
    match.reason = match.message = ""


def _attach_to_paper(match: PaperMatch, *, arxiv_id: str, by) -> PaperMatch:
    """The library paper is this arXiv paper: it takes the id, or joins the paper that has it."""
    paper = Paper.objects.select_for_update().filter(pk=match.paper_id or 0).first()
    if paper is None or paper.scheme != "title":
        match.status = Status.SUPERSEDED  # it got an id by another way meanwhile
        return _save(match, touch=False)
    _decided(match, arxiv_id=arxiv_id, by=by)
    key = f"arxiv:{arxiv_id}"
    known = Paper.objects.filter(key=key).first()
    if known is None:
        paper.key = key
        paper.save(update_fields=["key", "updated_at"])
        paper_services.paper_changed(paper)
    else:
        # The record of the search goes with the paper, unless that one has its own.
        match.paper = None if PaperMatch.objects.filter(paper=known).exists() else known
        _save(match, touch=False)
        paper = paper_services.paper_merge(source=paper, into=known)
    link = link_for_pasted_url(f"https://arxiv.org/abs/{arxiv_id}")
    if link is not None:
        paper_services.paper_attach_link(paper=paper, link=link)
        enqueue_fetch_on_commit(link)  # the card: authors, abstract, categories
    return _save(match, touch=False)


# --- an organizer's decisions ---------------------------------------------------------------


def paper_match_confirm(*, match: PaperMatch, arxiv_id: str, by) -> PaperMatch:
    """An organizer picks one of the suggestions; ValueError if it is not one of them."""
    with transaction.atomic():
        current = _lock(match)
        if current.status != Status.SUGGESTED:
            raise NotActionable(current.status)
        if arxiv_id not in {s.get("arxiv_id") for s in current.suggestions}:
            raise ValueError(_("候補にない論文です。"))
        return paper_match_attach(match=current, arxiv_id=arxiv_id, by=by)


@transaction.atomic
def paper_match_dismiss(*, match: PaperMatch, by) -> PaperMatch:
    """ "None of these": the topic keeps no URL and leaves the review list."""
    match = _lock(match)
    if match.status not in PaperMatch.NEEDS_REVIEW:
        raise NotActionable(match.status)
    match.status = Status.DISMISSED
    match.resolved_by = by
    match.resolved_at = timezone.now()
    return _save(match, touch=True)


@transaction.atomic
def paper_match_search_again(*, match: PaperMatch) -> PaperMatch:
    """Search again with the topic's current title: after a failure, or a title corrected since."""
    match = _lock(match)
    if match.status not in (*PaperMatch.NEEDS_REVIEW, Status.DISMISSED):
        raise NotActionable(match.status)
    match.status = Status.PENDING
    match.attempts = 0
    match.reason = match.message = ""
    match.resolved_by, match.resolved_at = None, None
    _save(match, touch=True)
    _schedule_on_commit()
    return match
