"""`manage.py match_papers [--meeting DATE] [--now]`: search arXiv for URL-less `[論文]` topics.

Imports queue this by themselves; the command is for archives imported before, or to run the
searches in this process (`--now`) where no worker is running.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from apps.papers import paper_matches, title_search
from apps.papers.models import PaperMatch
from apps.topics.models import Topic


class Command(BaseCommand):
    help = (
        "Queue an arXiv title search for every live [論文] topic that has no URL and was never "
        "searched; --now runs the waiting searches here (one request per 3 s) instead of a worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meeting", metavar="YYYY-MM-DD", help="only this meeting's topics")
        parser.add_argument(
            "--now", action="store_true", help="search in this process and print the outcome"
        )

    def handle(self, *args, meeting: str | None, now: bool, **options):
        topics = Topic.objects.all()
        if meeting:
            try:
                topics = topics.filter(block__meeting__date=dt.date.fromisoformat(meeting))
            except ValueError as exc:
                raise CommandError(f"--meeting {meeting!r}: expected YYYY-MM-DD") from exc
        # With --now the searches run below, not in a worker.
        queued = paper_matches.paper_matches_queue(topics=topics, start=not now)
        self.stdout.write(f"{queued} paper topic(s) queued for a title search.")
        if not now:
            return
        while PaperMatch.objects.filter(status=PaperMatch.Status.PENDING).exists():
            try:
                title_search.search_pending()
            except title_search.SearchInterrupted as exc:
                raise CommandError(f"arXiv is not reachable now ({exc}); run again later.") from exc
        counts = PaperMatch.objects.counts()
        for status, label in PaperMatch.Status.choices:
            if counts[status]:
                self.stdout.write(f"{label:>10}: {counts[status]}")
