from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.archive.archive_json import ArchiveError, archive_import


class Command(BaseCommand):
    help = "Restore a JSON archive (from export_archive) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except RecursionError:
            # Thousands of nested brackets: the parser gives up before any field is known.
            raise CommandError(f"{file}: JSONの入れ子が深すぎます。") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            # ValueError also covers json.JSONDecodeError and a number too long to read.
            raise CommandError(f"{file}: {str(exc)[:300]}") from exc
        try:
            counts = archive_import(data=data)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
