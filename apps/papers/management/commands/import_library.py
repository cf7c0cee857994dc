from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.core.textfiles import files_in
from apps.papers.importer import LibraryReport, import_library
from apps.papers.library_formats import MAX_BYTES

SUFFIXES = {".txt", ".md", ".markdown"}


def report_text(report: LibraryReport) -> str:
    verb = "would import" if report.dry_run else "imported"
    if report.refused:
        lines = [f"{report.name}: not imported"]
    else:
        lines = [
            f"{report.name} ({report.format}): {verb} {report.notes_created} new note(s), "
            f"{report.notes_updated} updated, {report.notes_unchanged} unchanged; "
            f"{report.papers_created} new paper(s), {report.without_id} without an id"
            + (
                f", {report.searches_queued} queued for the arXiv title search"
                if report.searches_queued
                else ""
            )
        ]
    for problem in report.problems:
        where = f"line {problem.line}: " if problem.line else ""
        lines.append(f"  {problem.level}: {where}{problem.message}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Import members' paper-note collections (per-paper summaries, tagged paper notes, "
        "the weekly digest; recognised automatically) into the paper library."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--by", dest="handle", required=True, help="the member whose notes these are"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the report as JSON"
        )

    def handle(self, *args, paths, handle: str, dry_run: bool, as_json: bool, **options):
        author = User.objects.filter(handle=handle.lower()).first()
        if author is None:
            raise CommandError(f"no member with the handle {handle!r}")
        try:
            files = files_in(paths, suffixes=SUFFIXES)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        reports = []
        for path in files:
            with path.open("rb") as stream:
                data = stream.read(MAX_BYTES + 1)
            report = import_library(
                data, name=path.name, author=author, dry_run=dry_run, size=path.stat().st_size
            )
            reports.append(report)
            if not as_json:
                self.stdout.write(report_text(report))
        if as_json:
            self.stdout.write(
                json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2)
            )
        refused = [r.name for r in reports if r.refused]
        if refused:
            raise CommandError(
                f"{len(refused)} of {len(reports)} file(s) not imported: {', '.join(refused)}"
            )
