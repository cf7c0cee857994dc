"""The fetch pipeline: resolve a link's metadata and thumbnail, record the outcome.

Celery tasks and `manage.py fetch_link` run the same functions; only the retry policy
(in tasks.py) differs.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.http.safe_http import FetchError

from . import services
from .canonical import canonicalize
from .images import download_thumbnail, make_thumbnail
from .metadata import Metadata
from .models import Link
from .ratelimit import rate_slot
from .resolvers import resolve
from .resolvers.arxiv import fetch_arxiv
from .resolvers.pdf import fetch_pdf_first_page

logger = logging.getLogger(__name__)

ARXIV_BATCH = 100  # the most ids arXiv answers in one id_list request
NOT_FOUND_MESSAGE = _("arXivにこのIDの論文が見つかりませんでした。")


UNEXPECTED_MESSAGE = _("予期しないエラーで取得できませんでした。管理者に連絡してください。")


class LinkFailed(Exception):
    """A fetch failed in a way worth telling the member; `transient` ones may be retried.

    `retry_after` is the server's own wish (GitHub's rate-limit reset), in seconds.
    """

    def __init__(
        self, reason: str, message: str, *, transient: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(reason, message, transient, retry_after)
        self.reason, self.message, self.transient = reason, message, transient
        self.retry_after = retry_after


def fetch_one(link: Link) -> Link:
    """Fetch a claimed non-arXiv link and store its metadata; raise LinkFailed on failure."""
    try:
        metadata = resolve(canonicalize(link.canonical_url))
    except FetchError as exc:
        retry_after = getattr(exc, "retry_after_seconds", None)
        raise LinkFailed(
            exc.reason, exc.message, transient=exc.transient, retry_after=retry_after
        ) from exc
    except Exception as exc:
        # A parser bug must cost one card, not the worker: record it and tell the member.
        logger.exception("unexpected failure fetching link %s", link.pk)
        raise LinkFailed("unexpected", str(UNEXPECTED_MESSAGE), transient=False) from exc
    thumbnail = None
    if metadata.thumbnail:
        thumbnail = _safe_thumbnail(lambda: make_thumbnail(metadata.thumbnail))
    return services.link_store_metadata(link=link, metadata=metadata, thumbnail_webp=thumbnail)


def _fetch_claimed_arxiv(links: list[Link]) -> dict[str, Metadata]:
    try:
        return fetch_arxiv([link.key for link in links])
    except FetchError as exc:
        for link in links:
            if exc.transient:
                services.link_mark_pending(link=link)
            else:
                services.link_mark_failed(link=link, reason=exc.reason, message=exc.message)
        raise LinkFailed(exc.reason, exc.message, transient=exc.transient) from exc


def fetch_arxiv_pending() -> list[Link]:
    """One arXiv API call for up to 100 waiting papers, in the shared rate-limit slot.

    The slot is held for the call itself (apps.links.ratelimit), and the papers are claimed
    only once it is granted: a claim then lasts as long as one request, never the wait for
    the slot, so the sweep never takes a waiting batch for a dead worker's.
    """
    waiting = Link.objects.filter(kind=Link.Kind.ARXIV, status=Link.Status.PENDING).order_by("pk")
    if not waiting.exists():
        return []
    try:
        with rate_slot("arxiv", settings.ARXIV_MIN_INTERVAL):
            links = services.link_claim(
                link_ids=list(waiting.values_list("pk", flat=True)[:ARXIV_BATCH])
            )
            if not links:
                return []
            found = _fetch_claimed_arxiv(links)
    except TimeoutError as exc:
        raise LinkFailed("timeout", str(exc), transient=True) from exc
    stored = []
    for link in links:
        metadata = found.get(link.key)
        if metadata is None:
            services.link_mark_failed(link=link, reason="not_found", message=str(NOT_FOUND_MESSAGE))
        else:
            stored.append(
                services.link_store_metadata(link=link, metadata=metadata, thumbnail_webp=None)
            )
    return stored


def thumbnail_source(link: Link) -> str:
    """Where a card's picture comes from: a paper's first PDF page, else the page's image."""
    return link.extra.get("pdf_url", "") if link.kind == Link.Kind.ARXIV else link.image_url


PDF_SLOT_WAIT = 20.0  # seconds; the task tries again later rather than outlive its limit


def store_thumbnail(link: Link) -> bool:
    """Download and store the thumbnail; a missing picture never fails the link.

    A paper's PDF comes from arxiv.org, which asks for the same pacing as its API: the
    downloads take turns in a slot of their own (TimeoutError when none comes in time).
    """
    source = thumbnail_source(link)
    if not source or link.thumbnail:
        return False
    if link.kind == Link.Kind.ARXIV:
        with rate_slot("arxiv-pdf", settings.ARXIV_MIN_INTERVAL, timeout=PDF_SLOT_WAIT):
            page = _safe_thumbnail(lambda: fetch_pdf_first_page(source))
        data = _safe_thumbnail(lambda: make_thumbnail(page)) if page else None
    else:
        data = _safe_thumbnail(lambda: download_thumbnail(source))
    if not data:
        return False
    services.link_store_thumbnail(link=link, webp=data)
    return True


def _safe_thumbnail(make) -> bytes | None:
    try:
        return make()
    except (FetchError, ValueError) as exc:
        logger.info("no thumbnail: %s", exc)
        return None
