"""Celery adapter for the index: the beat sweep of updates whose on-commit work was lost."""

from __future__ import annotations

from celery import shared_task

from . import indexing


@shared_task(soft_time_limit=60, time_limit=90)
def sweep_pending_index() -> int:
    return indexing.sweep_pending_index()
