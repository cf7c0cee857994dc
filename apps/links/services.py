"""Writes for links: one Link per canonical URL, its fetch status and its metadata."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.core import changes

from .canonical import canonicalize
from .metadata import Metadata, checked_urls, http_url
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
    if link is None:
        # A page already known under another URL that names this one as its own address.
        link = Link.objects.filter(declared_url=target.canonical_url).order_by("pk").first()
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


_BULK_BATCH = 500


def links_for_urls(urls: Iterable[str]) -> dict[str, Link]:
    """Links for many URLs at once (a library import): {URL as given: Link}, in a few statements.

    Missing ones are created pending, as link_for_pasted_url does, but no LINK_CREATED is
    announced: the caller knows what the URLs are and attaches them itself. URLs that have no
    canonical form are left out.
    """
    targets = {}
    for url in urls:
        try:
            targets[url] = canonicalize(url)
        except ValueError:
            continue
    wanted = {t.canonical_url: t for t in targets.values()}
    found = _links_by_url(wanted)
    missing = [
        Link(canonical_url=url, kind=t.kind, key=t.key)
        for url, t in wanted.items()
        if url not in found
    ]
    if missing:
        # Another writer may create one of them meanwhile: skip those, then read all back.
        Link.objects.bulk_create(missing, batch_size=_BULK_BATCH, ignore_conflicts=True)
        found.update(_links_by_url([link.canonical_url for link in missing]))
    return {url: found[t.canonical_url] for url, t in targets.items() if t.canonical_url in found}


def _links_by_url(urls: Iterable[str]) -> dict[str, Link]:
    urls = list(urls)
    found: dict[str, Link] = {}
    for start in range(0, len(urls), _BULK_BATCH):
        chunk = urls[start : start + _BULK_BATCH]
        found.update(
            (link.canonical_url, link) for link in Link.objects.filter(canonical_url__in=chunk)
        )
    return found


def enqueue_fetches_on_commit(links: Iterable[Link]) -> None:
    """Fetch many links after the commit: arXiv papers go out as batches, one task for all."""
    waiting = [link for link in links if link.is_waiting]
    if not waiting:
        return
    arxiv = any(link.kind == Link.Kind.ARXIV for link in waiting)
    others = [link.pk for link in waiting if link.kind != Link.Kind.ARXIV]
    transaction.on_commit(lambda: _send_fetches(arxiv=arxiv, link_ids=others))


def _send_fetches(*, arxiv: bool, link_ids: list[int]) -> None:
    from .tasks import schedule_arxiv_batch

    try:
        if arxiv:
            schedule_arxiv_batch()  # the batch takes every pending arXiv link
        for link_id in link_ids:
            _send_fetch(link_id)
    except Exception:  # any broker failure: the sweep retries later
        logger.warning(
            "could not queue the fetch of %s links; the sweep will", len(link_ids), exc_info=True
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
    """Store what was fetched. When the page declares an address another link already has,
    the two are one page: this link merges into that one, which is returned."""
    declared = declared_url(link, metadata.canonical_url)
    if declared:
        twin = (
            Link.objects.filter(Q(canonical_url=declared) | Q(declared_url=declared))
            .exclude(pk=link.pk)
            .order_by("pk")
            .first()
        )
        if twin is not None and link.kind == Link.Kind.WEB:
            return _merge(link=link, into=twin, metadata=metadata, thumbnail_webp=thumbnail_webp)
    link.declared_url = declared
    return _store(link=link, metadata=metadata, thumbnail_webp=thumbnail_webp)


def declared_url(link: Link, url: str) -> str:
    """The page's own address when it may be believed: a web page on its own host (with or
    without www), GitHub's html_url for the same repository; "" otherwise."""
    if not url or link.kind not in (Link.Kind.WEB, Link.Kind.GITHUB):
        return ""
    try:
        target = canonicalize(url)
    except ValueError:
        return ""
    if link.kind == Link.Kind.GITHUB:
        # The API's html_url keeps the owner's case: nanoGPT, not nanogpt.
        same = target.kind == "github" and target.key == link.key
        return url if same and url != link.canonical_url else ""

    def host(value: str) -> str:
        return (urlsplit(value).hostname or "").removeprefix("www.")

    if target.kind != "web" or host(target.canonical_url) != host(link.canonical_url):
        return ""
    return target.canonical_url if target.canonical_url != link.canonical_url else ""


def _merge(*, link: Link, into: Link, metadata: Metadata, thumbnail_webp: bytes | None) -> Link:
    logger.info("link %s is link %s (%s): merged", link.pk, into.pk, into.canonical_url)
    # Topics, main topics and papers move their references first, then the card is stored
    # on the link that stays, so every board that now shows it refreshes.
    changes.announce(changes.LINK_MERGED, pk=link.pk, obj=link, into=into.pk)
    link.delete()
    into = Link.objects.select_for_update().get(pk=into.pk)
    if into.status != Link.Status.OK or not into.title:
        into = _store(link=into, metadata=metadata, thumbnail_webp=thumbnail_webp)
    else:
        # The card is unchanged, but the topics that came with the merge take its title
        # (those left empty) and search re-indexes them under it.
        changes.announce(changes.LINK_METADATA, pk=into.pk, obj=into)
    if not into.thumbnail:
        into_pk = into.pk
        transaction.on_commit(lambda: _send_thumbnail(into_pk))
    return into


def _send_thumbnail(link_id: int) -> None:
    from .tasks import make_thumbnail

    try:
        make_thumbnail.delay(link_id)
    except Exception:  # no broker: the card simply keeps its placeholder
        logger.warning("could not queue the thumbnail of link %s", link_id, exc_info=True)


def _store(*, link: Link, metadata: Metadata, thumbnail_webp: bytes | None) -> Link:
    link.status = Link.Status.OK
    link.failure_reason = link.failure_message = ""
    link.fetched_at = timezone.now()
    link.claimed_at = None
    link.title = metadata.title[:300]
    link.description = metadata.description
    link.site_name = metadata.site_name[:200]
    link.authors = list(metadata.authors)
    link.published = metadata.published[:40]
    # Every URL a server sent is kept only if it is http(s): it ends up in an href or src.
    link.image_url = http_url(metadata.image_url)
    link.favicon_url = http_url(metadata.favicon_url)
    link.suggested_kind = metadata.suggested_kind
    link.extra = checked_urls(metadata.extra)
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
