from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.archive.importer import import_notes
from apps.archive.notes_format import MAX_BYTES
from apps.archive.report import as_text
from apps.core.textfiles import files_in

SUFFIXES = {".txt", ".md", ".markdown"}


class Command(BaseCommand):
    help = (
        "Import exports of the old notes page (plain text or Markdown), one meeting per file. "
        "A folder imports its .txt/.md files in name order."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the report as JSON"
        )

    def handle(self, *args, paths: list[Path], dry_run: bool, as_json: bool, **options):
        try:
            files = files_in(paths, suffixes=SUFFIXES)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        reports = []
        for path in files:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
            report = import_notes(
                data=data, name=path.name, dry_run=dry_run, size=path.stat().st_size
            )
            reports.append(report)
            if not as_json:
                self.stdout.write(as_text(report.as_dict()))
        if as_json:
            self.stdout.write(
                json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2)
            )
        refused = [r.name for r in reports if not r.ok]
        if refused:
            raise CommandError(
                f"{len(refused)} of {len(reports)} file(s) not imported: {', '.join(refused)}"
            )
