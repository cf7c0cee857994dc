"""Members' paper-note collections → the library: one file, one transaction.

Each entry becomes a library note of the importing member on its paper (found by the URL's id,
else by the normalized title), with its sections, Q&A, tags and dates kept as structure.
Re-importing the same file changes nothing; an edited file updates the notes that changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from . import library_writes
from .library_formats import (
    FORMAT_LABELS,
    LibraryFormatError,
    Problem,
    read_library_file,
)
from .library_formats.entries import ERROR


@dataclass
class LibraryReport:
    name: str
    format: str = ""
    dry_run: bool = False
    papers_created: int = 0
    notes_created: int = 0
    notes_updated: int = 0
    notes_unchanged: int = 0
    without_id: int = 0
    searches_queued: int = 0  # papers without an id, now waiting for the arXiv title search
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(p.level == ERROR for p in self.problems)

    @property
    def format_label(self) -> str:
        return str(FORMAT_LABELS.get(self.format, ""))

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "format": self.format,
            "dry_run": self.dry_run,
            "refused": self.refused,
            "papers_created": self.papers_created,
            "notes_created": self.notes_created,
            "notes_updated": self.notes_updated,
            "notes_unchanged": self.notes_unchanged,
            "without_id": self.without_id,
            "searches_queued": self.searches_queued,
            "problems": [
                {"line": p.line, "level": p.level, "message": p.message} for p in self.problems
            ],
        }


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the whole file back."""


def import_library(
    data: bytes, *, name: str, author, dry_run: bool = False, size: int | None = None
) -> LibraryReport:
    """Import one collection file as `author`'s notes; nothing is written if it is refused."""
    report = LibraryReport(name=name, dry_run=dry_run)
    try:
        parsed = read_library_file(data, name=name, size=size)
    except LibraryFormatError as exc:
        report.problems.append(Problem(exc.line, exc.message, ERROR))
        return report
    report.format = parsed.format
    report.problems.extend(parsed.problems)
    if parsed.errors:
        return report
    if not parsed.entries:
        report.problems.append(Problem(None, _("論文のエントリが見つかりませんでした。"), ERROR))
        return report
    try:
        with transaction.atomic():
            library_writes.import_entries(
                parsed.entries, report=report, author=author, source=parsed.format
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report
