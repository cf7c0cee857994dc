"""Writes for topics and remarks.

Every edit names the version it started from: a save from a stale form raises
apps.core.exceptions.VersionConflict instead of overwriting what someone else saved in between.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from apps.core import changes
from apps.core.markdown import render_markdown
from apps.core.versioning import lock_current
from apps.links.canonical import canonicalize
from apps.links.services import enqueue_fetch_on_commit, link_for_pasted_url
from apps.meetings.models import Meeting, PresenterBlock
from apps.meetings.services import (
    board_item_saved,
    lock_meeting,
    meeting_touch,
    move_in_list,
    presenter_block_for,
)

from .kinds import infer_kind
from .models import Remark, Topic, TopicLink

if TYPE_CHECKING:
    from apps.accounts.models import User

AUTO_KIND = "auto"


def topic_save(*, topic: Topic, remarks_follow: bool = True) -> Topic:
    """Render, validate and store a topic; every write of a topic ends here.

    `remarks_follow=False`: the kind and title are unchanged, so the search entries of the
    topic's remarks (which repeat them) stay as they are and only its own entry is redone.
    """
    topic.notes_html = render_markdown(topic.notes).html
    # The block and link are set by the services, never typed: no need to query them back.
    topic.full_clean(exclude=["block", "link"])
    # No savepoint of its own: the callers' transaction (or this one) is all or nothing anyway.
    with transaction.atomic(savepoint=False):
        url_changed = topic.url_changed
        if url_changed:
            topic.link = link_for_pasted_url(topic.url)
        if topic.pk:
            topic.version += 1
        topic.save()
        topic._stored_url = topic.url
        board_item_saved(
            meeting_id=topic.block.meeting_id,
            subject=changes.TOPIC,
            obj=topic,
            link=topic.link if url_changed else None,
            remarks_follow=remarks_follow,
        )
    return topic


@transaction.atomic
def topic_create(
    *,
    meeting: Meeting,
    presenter: User,
    kind: str,
    title: str,
    url: str = "",
    notes: str = "",
    extra_links: list[tuple[str, str]] | None = None,
) -> Topic:
    block = presenter_block_for(meeting=meeting, presenter=presenter)
    last = block.topics.aggregate(last=Max("position"))["last"]
    topic = Topic(
        block=block,
        kind=infer_kind(url) if kind == AUTO_KIND else kind,
        title=title,
        url=url,
        notes=notes,
        position=(last or 0) + 1,
    )
    topic = topic_save(topic=topic)
    if extra_links:
        topic_set_extra_links(topic=topic, extra_links=extra_links)
    return topic


@transaction.atomic
def topic_update(
    *,
    topic: Topic,
    expected_version: int | None,
    kind: str,
    title: str,
    url: str,
    notes: str,
    extra_links: list[tuple[str, str]] | None = None,
) -> Topic:
    current = lock_current(Topic.objects.select_related("block"), topic.pk, expected_version)
    kind = infer_kind(url) if kind == AUTO_KIND else kind
    remarks_follow = (current.kind, current.title) != (kind, title)
    current.kind, current.title, current.url, current.notes = kind, title, url, notes
    current = topic_save(topic=current, remarks_follow=remarks_follow)
    if extra_links is not None:
        topic_set_extra_links(topic=current, extra_links=extra_links)
    return current


@transaction.atomic
def topic_set_extra_links(*, topic: Topic, extra_links: list[tuple[str, str]]) -> None:
    """Replace the topic's extra links (code, slides…); each gets its own card data."""
    if _extra_links_of(topic) == _canonical_extra_links(extra_links):
        return  # the usual save: the links were not touched
    topic.extra_links.all().delete()
    position = 0
    for label, url in extra_links:
        link = link_for_pasted_url(url)
        if link is None or topic.extra_links.filter(link=link).exists():
            continue
        position += 1
        TopicLink.objects.create(topic=topic, link=link, label=label, position=position)
        enqueue_fetch_on_commit(link)


def _extra_links_of(topic: Topic) -> list[tuple[str, str]]:
    return [
        (extra.label, extra.link.canonical_url)
        for extra in topic.extra_links.select_related("link").order_by("position")
    ]


def _canonical_extra_links(extra_links: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The links as they would be stored, or None when one of them is new to the board."""
    stored: list[tuple[str, str]] = []
    for label, url in extra_links:
        try:
            canonical = canonicalize(url).canonical_url
        except ValueError:
            return None  # not a link we store: let the full replacement decide
        if canonical not in {c for _, c in stored}:
            stored.append((label, canonical))
    return stored


@transaction.atomic
def topic_delete(*, topic: Topic) -> Topic:
    """Soft delete: the topic leaves the board but can be restored (undo)."""
    topic.deleted_at = timezone.now()
    topic.save(update_fields=["deleted_at", "updated_at"])
    meeting_touch(meeting_id=topic.block.meeting_id)
    _announce(topic)  # a deleted topic leaves the search index
    return topic


@transaction.atomic
def topic_restore(*, topic: Topic) -> Topic:
    topic.deleted_at = None
    topic.save(update_fields=["deleted_at", "updated_at"])
    meeting_touch(meeting_id=topic.block.meeting_id)
    _announce(topic)
    return topic


def _announce(topic: Topic) -> None:
    changes.announce(changes.TOPIC, pk=topic.pk, obj=topic, remarks_follow=True)


def _remark_meeting_id(remark: Remark) -> int:
    if remark.topic is not None:
        return remark.topic.block.meeting_id
    assert remark.deep_dive is not None  # a remark is on a topic or on the main topic
    return remark.deep_dive.meeting_id


def remark_save(*, remark: Remark) -> Remark:
    remark.body = (remark.body or "").strip()
    remark.body_html = render_markdown(remark.body).html
    # Author and target are set by the services; the body is what a member typed.
    remark.full_clean(exclude=["author", "topic", "deep_dive"], validate_constraints=False)
    # No savepoint of its own: the callers' transaction (or this one) is all or nothing anyway.
    with transaction.atomic(savepoint=False):
        if remark.pk:
            remark.version += 1
        remark.save()
        board_item_saved(meeting_id=_remark_meeting_id(remark), subject=changes.REMARK, obj=remark)
    return remark


# `deep_dive` is a DeepDive: apps.deepdives sits beside topics in the layers, so it is not named.
@transaction.atomic
def remark_create(
    *, author: User, body: str, topic: Topic | None = None, deep_dive: Any = None
) -> Remark:
    return remark_save(remark=Remark(author=author, body=body, topic=topic, deep_dive=deep_dive))


@transaction.atomic
def remark_update(*, remark: Remark, expected_version: int | None, body: str) -> Remark:
    current = lock_current(Remark.objects.all(), remark.pk, expected_version)
    current.body = body
    return remark_save(remark=current)


@transaction.atomic
def remark_delete(*, remark: Remark) -> None:
    meeting_id = _remark_meeting_id(remark)
    remark.delete()
    meeting_touch(meeting_id=meeting_id)


@transaction.atomic
def topic_set_budget(*, topic: Topic, minutes: int | None, if_time_allows: bool) -> Topic:
    """The organizer's plan for a topic: its minutes (None: the kind's default), 時間あれば."""
    Topic.objects.filter(pk=topic.pk).update(minutes=minutes, if_time_allows=if_time_allows)
    topic.minutes, topic.if_time_allows = minutes, if_time_allows
    meeting_touch(meeting_id=topic.block.meeting_id)
    return topic


@transaction.atomic
def topic_move_to_meeting(*, topic: Topic, meeting: Meeting) -> Topic:
    """Carry a topic, with its remarks, to another meeting: appended to its presenter's block."""
    source_meeting_id = topic.block.meeting_id
    block = presenter_block_for(meeting=meeting, presenter=topic.block.presenter)
    last = block.topics.aggregate(last=Max("position"))["last"]
    topic.block = block
    topic.position = (last or 0) + 1
    topic.save(update_fields=["block", "position", "updated_at"])
    meeting_touch(meeting_id=source_meeting_id)
    meeting_touch(meeting_id=meeting.pk)
    _announce(topic)  # its hits now point at the new meeting
    return topic


@transaction.atomic
def topic_move_in_block(*, topic: Topic, to_index: int) -> None:
    """The agenda builder: a topic moves up or down among its presenter's topics."""
    lock_meeting(topic.block.meeting_id)
    siblings = Topic.objects.live().filter(block_id=topic.block_id).order_by("position", "pk")
    ids = list(siblings.values_list("pk", flat=True))
    for position, pk in enumerate(move_in_list(ids, topic.pk, to_index), start=1):
        Topic.objects.filter(pk=pk).update(position=position)
    meeting_touch(meeting_id=topic.block.meeting_id)


@transaction.atomic
def agenda_apply_order(
    *, meeting: Meeting, block_ids: list[int], topic_ids: dict[int, list[int]]
) -> None:
    """Set the whole running order at once (a suggestion the organizers accepted)."""
    lock_meeting(meeting.pk)
    blocks = set(meeting.blocks.values_list("pk", flat=True))
    for position, pk in enumerate((pk for pk in block_ids if pk in blocks), start=1):
        PresenterBlock.objects.filter(pk=pk).update(position=position)
    for block_id, ids in topic_ids.items():
        if block_id not in blocks:
            continue
        for position, pk in enumerate(ids, start=1):
            Topic.objects.filter(pk=pk, block_id=block_id).update(position=position)
    meeting_touch(meeting_id=meeting.pk)


def topic_mark_reached(*, topic_id: int) -> None:
    """Meeting-day mode reached this topic; the first time counts."""
    Topic.objects.filter(pk=topic_id, presented_at__isnull=True).update(presented_at=timezone.now())


def carry_over_candidates(meeting: Meeting) -> list[Topic]:
    """Topics of a held meeting that are worth offering for the next one: those marked
    時間あれば, and, when meeting-day mode ran the meeting, those it never reached."""
    if meeting.status != Meeting.Status.HELD:
        return []
    topics = Topic.objects.live().filter(block__meeting=meeting)
    offered = Q(if_time_allows=True)
    if topics.filter(presented_at__isnull=False).exists():  # meeting-day mode ran it
        offered |= Q(presented_at__isnull=True)
    return list(
        topics.filter(offered)
        .select_related("block__presenter", "block__meeting", "link")
        .order_by("block__position", "position", "pk")
    )


@transaction.atomic
def topics_carry_over(*, topics: list[Topic], to: Meeting) -> list[Topic]:
    """Move the offered topics, remarks and all, to the next meeting in one step."""
    return [topic_move_to_meeting(topic=topic, meeting=to) for topic in topics]
