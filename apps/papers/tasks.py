"""Celery adapters for papers: the arXiv title search of papers imported without a URL."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from apps.links.tasks import MAX_RETRIES, backoff

from . import neighbours, title_search
from .models import PaperMatch

PAPER_SEARCH_FLAG = "papers:paper-search-scheduled"
PAPER_SEARCH_COUNTDOWN = 1.0
SEARCH_TIME_LIMIT = 180
# A run holds its claims up to its hard limit (each search waits for the arXiv slot); one
# older than that belongs to a worker that died.
STUCK_AFTER = dt.timedelta(seconds=SEARCH_TIME_LIMIT + 30)


def schedule_paper_searches() -> None:
    """Queue one title-search run unless one is queued: a run works through every waiting search."""
    if cache.add(PAPER_SEARCH_FLAG, True, timeout=300):
        try:
            search_paper_titles.apply_async(countdown=PAPER_SEARCH_COUNTDOWN)
        except Exception:
            cache.delete(PAPER_SEARCH_FLAG)  # so the sweep's next attempt is not blocked
            raise


@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=150, time_limit=SEARCH_TIME_LIMIT)
def search_paper_titles(self) -> int:
    """Imported [論文] topics without a URL: search arXiv by title, a batch at a time."""
    # Searches queued from now on need a run of their own.
    cache.delete(PAPER_SEARCH_FLAG)
    try:
        done = title_search.search_pending(limit=title_search.BATCH)
    except title_search.SearchInterrupted as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(countdown=backoff(self.request.retries)) from exc
        return 0  # still waiting: the sweep queues them again
    except SoftTimeLimitExceeded:
        schedule_paper_searches()  # a slow arXiv: the rest in a fresh run
        return 0
    if PaperMatch.objects.filter(status=PaperMatch.Status.PENDING).exists():
        schedule_paper_searches()  # more than one batch was waiting
    return done


@shared_task
def sweep_paper_searches() -> None:
    """Beat: a search lost with a dead worker or a broker that was down is queued again."""
    now = timezone.now()
    grace = dt.timedelta(seconds=settings.LINK_SWEEP_GRACE)
    stuck = PaperMatch.objects.filter(
        status=PaperMatch.Status.SEARCHING, claimed_at__lt=now - STUCK_AFTER
    )
    stuck.update(status=PaperMatch.Status.PENDING, claimed_at=None)
    waiting = PaperMatch.objects.filter(
        status=PaperMatch.Status.PENDING, updated_at__lt=now - grace
    )
    if not waiting.exists():
        return
    if PaperMatch.objects.filter(status=PaperMatch.Status.SEARCHING).exists():
        return  # a run is alive; it queues the next one itself
    # Searches wait and none runs: whoever queued them died before telling a worker (an
    # import killed right after its commit), so the "queued" flag it may have left cannot
    # be trusted. A run too many is harmless: each search is claimed once.
    cache.delete(PAPER_SEARCH_FLAG)
    schedule_paper_searches()


RELATED_FLAG = "papers:related-refresh-scheduled"
RELATED_QUIET_SECONDS = 30.0  # one refresh for a burst of edits or a whole import


def schedule_related_refresh() -> None:
    """Queue one refresh of the related papers unless one is queued already."""
    if cache.add(RELATED_FLAG, True, timeout=600):
        try:
            refresh_related_papers.apply_async(countdown=RELATED_QUIET_SECONDS)
        except Exception:
            cache.delete(RELATED_FLAG)  # the broker is down: beat's hourly run catches up
            raise


@shared_task(soft_time_limit=600, time_limit=660)
def refresh_related_papers() -> int:
    """関連する論文 for every paper, from the group's own archive (apps.papers.related)."""
    cache.delete(RELATED_FLAG)
    return neighbours.related_refresh()
