"""Writes for topics and remarks."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Max

from apps.core.markdown import render_markdown
from apps.meetings.models import Meeting
from apps.meetings.services import presenter_block_for

from .models import Remark, Topic


def topic_save(*, topic: Topic) -> Topic:
    """Render, validate and store a topic; every write of a topic ends here."""
    topic.notes_html = render_markdown(topic.notes).html
    topic.full_clean()
    with transaction.atomic():
        if topic.pk:
            topic.version = F("version") + 1
        topic.save()
    topic.refresh_from_db(fields=["version"])
    return topic


@transaction.atomic
def topic_create(
    *,
    meeting: Meeting,
    presenter,
    kind: str,
    title: str,
    url: str = "",
    notes: str = "",
) -> Topic:
    block = presenter_block_for(meeting=meeting, presenter=presenter)
    last = block.topics.aggregate(last=Max("position"))["last"]
    topic = Topic(
        block=block,
        kind=kind,
        title=title,
        url=url,
        notes=notes,
        position=(last or 0) + 1,
    )
    return topic_save(topic=topic)


def remark_save(*, remark: Remark) -> Remark:
    remark.body = remark.body.strip()
    remark.body_html = render_markdown(remark.body).html
    remark.full_clean()
    remark.save()
    return remark


@transaction.atomic
def remark_create(*, author, body: str, topic: Topic | None = None, deep_dive=None) -> Remark:
    return remark_save(remark=Remark(author=author, body=body, topic=topic, deep_dive=deep_dive))
