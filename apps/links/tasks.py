"""Celery adapters: take ids, re-read, run the fetch pipeline, decide about retries."""

from __future__ import annotations

import datetime as dt
import random
import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from . import fetching, services
from .models import Link

MAX_RETRIES = 4
# A fetch's limits come from its deadline: the soft one lets it record a timeout, the hard
# one (the worker kills it) bounds how long a live worker can hold a claim.
FETCH_TIME_LIMIT = max(2, int(settings.LINK_FETCH_TIME_LIMIT))
FETCH_SOFT_TIME_LIMIT = max(1, FETCH_TIME_LIMIT - max(1, FETCH_TIME_LIMIT // 9))
# A claim older than that cannot belong to a live fetch: its worker died (kill -9, OOM).
STUCK_AFTER = dt.timedelta(seconds=FETCH_TIME_LIMIT + max(1, FETCH_TIME_LIMIT // 9))


def backoff(retries: int) -> int:
    return min(300, 5 * 2**retries)


@shared_task(
    bind=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=FETCH_SOFT_TIME_LIMIT,
    time_limit=FETCH_TIME_LIMIT,
)
def fetch_link(self, link_id: int) -> str:
    link = Link.objects.filter(pk=link_id).first()
    if link is None or link.status != Link.Status.PENDING:
        return "nothing to do"  # already fetched, or another worker has it
    if link.kind == Link.Kind.ARXIV:
        schedule_arxiv_batch()
        return "batched"
    claimed = services.link_claim(link_ids=[link.pk])
    if not claimed:
        return "claimed elsewhere"
    link = claimed[0]
    services.link_count_attempt(link=link)
    try:
        fetching.fetch_one(link)
    except fetching.LinkFailed as failure:
        if failure.transient and self.request.retries < MAX_RETRIES:
            services.link_mark_pending(link=link)
            countdown = max(backoff(self.request.retries), int(failure.retry_after or 0))
            raise self.retry(countdown=countdown) from failure
        services.link_mark_failed(link=link, reason=failure.reason, message=failure.message)
        return f"failed: {failure.reason}"
    make_thumbnail.delay(link.pk)
    return "ok"


ARXIV_BATCH_FLAG = "links:arxiv-batch-scheduled"
ARXIV_GATHER_SECONDS = 1.0  # a batch goes out once no paper has arrived for this long
ARXIV_GATHER_LIMIT = 15.0  # ... or when papers have kept arriving for this long


def schedule_arxiv_batch() -> None:
    """Queue one batch for whatever papers are waiting, unless one is already queued.

    A hundred pasted papers make a hundred fetch_link tasks but one arXiv request: the first
    sets the flag (shared through the cache) and the batch, a moment later, takes them all.
    """
    if cache.add(ARXIV_BATCH_FLAG, True, timeout=300):
        fetch_arxiv_batch.apply_async(countdown=ARXIV_GATHER_SECONDS)


def _still_arriving(first_scheduled: float) -> bool:
    """Papers are still being pasted (a long list saved one by one): wait for the rest."""
    pending = Link.objects.filter(kind=Link.Kind.ARXIV, status=Link.Status.PENDING)
    newest = pending.aggregate(newest=Max("created_at"))["newest"]
    if newest is None or pending.count() >= fetching.ARXIV_BATCH:
        return False
    quiet_for = (timezone.now() - newest).total_seconds()
    return quiet_for < ARXIV_GATHER_SECONDS and time.time() - first_scheduled < ARXIV_GATHER_LIMIT


@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=150, time_limit=180)
def fetch_arxiv_batch(self, first_scheduled: float | None = None) -> int:
    first_scheduled = first_scheduled or time.time()
    if _still_arriving(first_scheduled):
        fetch_arxiv_batch.apply_async(
            kwargs={"first_scheduled": first_scheduled}, countdown=ARXIV_GATHER_SECONDS
        )
        return 0
    # Papers pasted from now on need a batch of their own.
    cache.delete(ARXIV_BATCH_FLAG)
    try:
        links = fetching.fetch_arxiv_pending()
    except fetching.LinkFailed as failure:
        if failure.transient and self.request.retries < MAX_RETRIES:
            raise self.retry(countdown=backoff(self.request.retries)) from failure
        return 0
    for link in links:
        make_thumbnail.delay(link.pk)
    if Link.objects.filter(kind=Link.Kind.ARXIV, status=Link.Status.PENDING).exists():
        schedule_arxiv_batch()  # more than one batch was waiting
    return len(links)


THUMBNAIL_RETRIES = 20  # thirty papers pasted at once wait their turns for arxiv.org


@shared_task(bind=True, max_retries=THUMBNAIL_RETRIES, soft_time_limit=60, time_limit=90)
def make_thumbnail(self, link_id: int) -> bool:
    link = Link.objects.filter(pk=link_id, status=Link.Status.OK).first()
    try:
        return bool(link and fetching.store_thumbnail(link))
    except TimeoutError as busy:  # no arxiv.org slot in time: others are downloading
        raise self.retry(countdown=5 + random.randint(0, 10)) from busy  # noqa: S311 - spread, not secret


@shared_task
def sweep_links() -> int:
    """Beat: nothing is lost if the broker was down at save time or a worker died mid-fetch.

    A link whose worker died is queued again in the same sweep (no second wait): with the
    sweep every 30 s it is fetched again within about a minute of its claim going stale.
    """
    now = timezone.now()
    stuck = Link.objects.filter(status=Link.Status.FETCHING, claimed_at__lt=now - STUCK_AFTER)
    revived = [services.link_mark_pending(link=link).pk for link in stuck[:500]]
    grace = dt.timedelta(seconds=settings.LINK_SWEEP_GRACE)
    waiting = Link.objects.filter(status=Link.Status.PENDING, updated_at__lt=now - grace)
    ids = list(dict.fromkeys([*revived, *waiting.values_list("pk", flat=True)[:500]]))
    for link_id in ids:
        fetch_link.delay(link_id)
    return len(ids)


@shared_task
def refresh_stale_links() -> int:
    """Beat: GitHub stars and PyPI versions drift; refetch what is older than a week."""
    cutoff = services.stale_cutoff(settings.LINK_REFRESH_DAYS)
    stale = Link.objects.filter(
        status=Link.Status.OK, kind__in=[Link.Kind.GITHUB, Link.Kind.PYPI], fetched_at__lt=cutoff
    )
    ids = list(stale.values_list("pk", flat=True)[:200])
    for link_id in ids:
        refresh_link.delay(link_id)
    return len(ids)


@shared_task(soft_time_limit=60, time_limit=90)
def refresh_link(link_id: int) -> bool:
    """Refetch in the background: the card keeps its metadata unless the new fetch succeeds."""
    link = Link.objects.filter(pk=link_id, status=Link.Status.OK).first()
    if link is None:
        return False
    try:
        fetching.fetch_one(link)
    except fetching.LinkFailed:
        return False
    return True
