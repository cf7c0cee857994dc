"""Worker tasks for topics: the thumbnail of uploaded slides."""

from __future__ import annotations

from celery import shared_task

from . import thumbnails


@shared_task(soft_time_limit=60, time_limit=90)
def render_slides_thumbnail(upload_id: int) -> str:
    return thumbnails.slides_thumbnail(upload_id)
