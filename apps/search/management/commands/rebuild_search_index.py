"""`manage.py rebuild_search_index`: recreate the search index from the board."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.search.backends import get_backend
from apps.search.rebuild import rebuild_index


class Command(BaseCommand):
    help = "検索インデックスを作り直します(トピック・コメント・メインTOPICのすべて)。"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--fast",
            action="store_true",
            help="PostgreSQL: GIN インデックスを作り直しながら読み込む"
            "(速いが、その間の検索は待たされる)",
        )

    def handle(self, *args, batch_size: int, **options):
        stats = rebuild_index(batch_size=max(1, batch_size), fast=options["fast"])
        size = get_backend().index_size()
        self.stdout.write(
            f"{stats.entries} entries ({stats.topics} topics, {stats.remarks} remarks, "
            f"{stats.deep_dives} deep dives) in {stats.seconds:.1f}s; "
            f"index {size / 1_048_576:.1f} MiB"
        )
