"""Materials after a meeting: slides and a recording for a presented topic.

Slides on a slide host and recordings are extra links (labels `slides`, `recording`), so they
get cards like any link; a PDF upload is kept here and its first page becomes a thumbnail in
the worker. Presenters are nudged on マイページ the day after the meeting.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q

from apps.core import changes
from apps.meetings.services import board_item_saved

from .models import SlidesUpload, Topic, TopicLink
from .services import topic_set_extra_links

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)

SLIDES_LABEL = "slides"
RECORDING_LABEL = "recording"
# What members type as the label of slides in the extra links field, in either language.
SLIDES_LABELS = {SLIDES_LABEL, "slide", "スライド", "資料"}
NUDGE_DAYS = 14


def max_pdf_bytes() -> int:
    return int(settings.SLIDES_MAX_BYTES)


@transaction.atomic
def materials_add(
    *,
    topic: Topic,
    by: User,
    slides_url: str = "",
    recording_url: str = "",
    pdf: UploadedFile | None = None,
) -> None:
    current = [(extra.label, extra.link.canonical_url) for extra in _extras(topic)]
    added = [
        (label, url)
        for label, url in ((SLIDES_LABEL, slides_url), (RECORDING_LABEL, recording_url))
        if url
    ]
    if added:
        topic_set_extra_links(topic=topic, extra_links=current + added)
    if pdf is not None:
        upload = SlidesUpload.objects.create(
            topic=topic,
            file=pdf,
            name=(pdf.name or "slides.pdf")[:200],
            size=pdf.size or 0,
            uploaded_by=by,
        )
        upload_id = upload.pk
        transaction.on_commit(lambda: _send_thumbnail(upload_id))
    board_item_saved(meeting_id=topic.block.meeting_id, subject=changes.TOPIC, obj=topic)


def _extras(topic: Topic) -> list[TopicLink]:
    return list(topic.extra_links.select_related("link").order_by("position"))


def _send_thumbnail(upload_id: int) -> None:
    from .tasks import render_slides_thumbnail

    try:
        render_slides_thumbnail.delay(upload_id)
    except Exception:  # any broker failure: the upload stays, its thumbnail comes later
        logger.warning("could not queue the thumbnail of slides %s", upload_id, exc_info=True)


def has_slides(topic: Topic) -> bool:
    labels = {extra.label.strip().lower() for extra in topic.extra_links.all()}
    return bool(labels & SLIDES_LABELS) or topic.slides_uploads.exists()


def topics_missing_slides(*, member: User, today: dt.date) -> list[Topic]:
    """マイページ's nudge: the member's topics of the last two weeks' meetings (from the day
    after each meeting) that have no slides yet."""
    since = today - dt.timedelta(days=NUDGE_DAYS)
    with_slides = Q(extra_links__label__in=SLIDES_LABELS) | Q(slides_uploads__isnull=False)
    return list(
        Topic.objects.live()
        .filter(
            block__presenter=member,
            block__meeting__date__lt=today,
            block__meeting__date__gte=since,
        )
        .exclude(block__meeting__status="skipped")
        .exclude(with_slides)
        .select_related("block__meeting", "link")
        .order_by("-block__meeting__date", "position")
        .distinct()
    )
