"""Writes for links: one Link per canonical URL, its fetch status and its metadata."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.core import changes

from .canonical import canonicalize
from .metadata import Metadata
from .models import Link

logger = logging.getLogger(__name__)


def link_for_pasted_url(url: str) -> Link | None:
    """The Link for a pasted URL, created (pending) on first sight; None when there is none.

    A URL we cannot fetch (ftp://, say) simply gets no card; the topic still saves.
    """
    if not url:
        return None
    try:
        target = canonicalize(url)
    except ValueError:
        return None
    link = Link.objects.filter(canonical_url=target.canonical_url).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            link = Link.objects.create(
                canonical_url=target.canonical_url, kind=target.kind, key=target.key
            )
    except IntegrityError:
        # Two members pasted the same paper at the same moment.
        return Link.objects.get(canonical_url=target.canonical_url)
    changes.announce(changes.LINK_CREATED, pk=link.pk, obj=link)  # papers know their URLs
    return link


def enqueue_fetch_on_commit(link: Link | None) -> None:
    """Fetch after the surrounding transaction commits, if the link still needs it.

    A broker that is down must not cost the member their topic: the link stays pending and
    the beat sweep hands it to a worker once the broker is back.
    """
    if link is None or not link.is_waiting:
        return
    link_id = link.pk
    transaction.on_commit(lambda: _send_fetch(link_id))


def _send_fetch(link_id: int) -> None:
    from .tasks import fetch_link

    try:
        fetch_link.delay(link_id)
    except Exception:  # any broker failure: the sweep retries later
        logger.warning(
            "could not queue the fetch of link %s; the sweep will", link_id, exc_info=True
        )


def link_claim(*, link_ids: list[int]) -> list[Link]:
    """Mark links as being fetched, in one statement; those another worker took are left out.

    The claim is recognised afterwards by its exact timestamp, which no other claim shares.
    """
    stamp = timezone.now()
    Link.objects.filter(pk__in=link_ids, status=Link.Status.PENDING).update(
        status=Link.Status.FETCHING, claimed_at=stamp
    )
    return list(
        Link.objects.filter(
            pk__in=link_ids, status=Link.Status.FETCHING, claimed_at=stamp
        ).order_by("pk")
    )


def _fields_but_attempts() -> list[str]:
    fields = Link._meta.concrete_fields
    return [f.name for f in fields if not f.primary_key and f.name != "attempts"]


@transaction.atomic
def link_store_metadata(*, link: Link, metadata: Metadata, thumbnail_webp: bytes | None) -> Link:
    link.status = Link.Status.OK
    link.failure_reason = link.failure_message = ""
    link.fetched_at = timezone.now()
    link.claimed_at = None
    link.title = metadata.title[:300]
    link.description = metadata.description
    link.site_name = metadata.site_name[:200]
    link.authors = list(metadata.authors)
    link.published = metadata.published[:40]
    link.image_url = metadata.image_url if len(metadata.image_url) <= 2000 else ""
    link.favicon_url = metadata.favicon_url if len(metadata.favicon_url) <= 2000 else ""
    link.suggested_kind = metadata.suggested_kind
    link.extra = metadata.extra
    if thumbnail_webp:
        link.thumbnail.save(f"link-{link.pk}.webp", ContentFile(thumbnail_webp), save=False)
    # Everything but `attempts`: it is counted by its own statement, and a stale copy of the
    # row must not write it back (fetched-once links showed 0).
    link.save(update_fields=_fields_but_attempts())
    # Topics fill empty titles and bump their boards; search re-indexes what cites the link.
    changes.announce(changes.LINK_METADATA, pk=link.pk, obj=link)
    return link


@transaction.atomic
def link_mark_failed(*, link: Link, reason: str, message: str) -> Link:
    link.status = Link.Status.FAILED
    link.failure_reason = reason[:40]
    link.failure_message = message[:300]
    link.claimed_at = None
    link.save(
        update_fields=["status", "failure_reason", "failure_message", "claimed_at", "updated_at"]
    )
    changes.announce(changes.LINK_CARD, pk=link.pk, obj=link)
    return link


@transaction.atomic
def link_mark_pending(*, link: Link) -> Link:
    """Back in the queue: after a transient failure, or when a member presses retry."""
    link.status = Link.Status.PENDING
    link.claimed_at = None
    link.save(update_fields=["status", "claimed_at", "updated_at"])
    changes.announce(changes.LINK_CARD, pk=link.pk, obj=link)
    return link


def link_count_attempt(*, link: Link) -> None:
    Link.objects.filter(pk=link.pk).update(attempts=F("attempts") + 1)
    # The caller's copy too: the metadata save writes the row back from it.
    link.attempts += 1


def stale_cutoff(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@transaction.atomic
def link_store_thumbnail(*, link: Link, webp: bytes) -> Link:
    link.thumbnail.save(f"link-{link.pk}.webp", ContentFile(webp), save=False)
    Link.objects.filter(pk=link.pk).update(thumbnail=link.thumbnail.name, updated_at=timezone.now())
    changes.announce(changes.LINK_CARD, pk=link.pk, obj=link)
    return link
