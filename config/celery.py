"""The Celery app. Broker and limits come from Django settings (CELERY_* names)."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("board")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks that beat also sends once when it starts: an interval entry otherwise first runs a
# whole interval later, and a fresh install should have its upcoming meetings at once.
ON_BEAT_START = (
    "apps.group.tasks.schedule_upcoming_meetings",
    "apps.links.tasks.sweep_links",
    "apps.papers.tasks.sweep_paper_searches",
    "apps.search.tasks.sweep_pending_index",
)


@beat_init.connect
def _run_catch_up_tasks(sender, **kwargs) -> None:
    for name in ON_BEAT_START:
        sender.app.send_task(name)
