"""`manage.py search "query" [--json] [--limit N]`: the archive search for scripts and operators."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from apps.search.query import parse_query
from apps.search.selectors import search
from apps.search.snippets import plain


class Command(BaseCommand):
    help = "アーカイブを検索し、ヒット(開催日・発表者・種類・タイトル・抜粋・URL)を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("query", help='検索語。例: "推薦 kind:論文 by:fr after:2024-01-01"')
        parser.add_argument("--json", action="store_true", help="JSON で出力する")
        parser.add_argument(
            "--limit", type=int, default=20, help="表示するヒット数(既定 20、最大 1000)"
        )
        parser.add_argument(
            "--base-url", default="", help="URL の前に付ける(例: https://board.example.com)"
        )

    def handle(self, *args, **options):
        query, limit, base_url = options["query"], options["limit"], options["base_url"]
        if not 1 <= limit <= 1000:
            raise CommandError("--limit は 1〜1000 です。")
        with translation.override(translation.get_language() or "ja"):
            parsed = parse_query(query)
            results = search(parsed, per_page=limit)
        base = base_url.rstrip("/")
        hits = [
            {
                "meeting_date": hit.entry.meeting_date.isoformat(),
                "presenter": {
                    "handle": hit.entry.presenter.handle,
                    "name": hit.entry.presenter.display_name,
                },
                "kind": hit.entry.kind,
                "in": hit.entry.source,
                "title": hit.entry.title or hit.entry.context,
                "context": hit.entry.context,
                "snippet": plain(hit.snippet_html),
                "snippet_html": str(hit.snippet_html),
                "url": base + hit.url,
            }
            for hit in results.hits
        ]
        if options["json"]:
            self._print_json(results, hits)
        else:
            self._print_text(results, hits)

    def _print_json(self, results, hits) -> None:
        payload = {
            "query": results.query.raw,
            "total": results.total,
            "total_is_estimate": results.approximate,  # above a few thousand hits, from a sample
            "messages": [str(m) for m in results.messages],
            "hits": hits,
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _print_text(self, results, hits) -> None:
        for message in results.messages:
            self.stderr.write(str(message))
        if results.query.is_empty:
            self.stderr.write("検索語か条件を入れてください。")
            return
        self.stdout.write(
            ("約" if results.approximate else "")
            + f"{results.total}件"
            + (f"(先頭 {len(hits)} 件を表示)" if len(hits) < results.total else "")
        )
        for hit in hits:
            who = f"@{hit['presenter']['name']} ({hit['presenter']['handle']})"
            self.stdout.write(
                f"{hit['meeting_date']}  {who}  [{hit['kind']}] {hit['in']}  {hit['title']}"
            )
            if hit["snippet"]:
                self.stdout.write(f"    {hit['snippet']}")
            self.stdout.write(f"    {hit['url']}")
