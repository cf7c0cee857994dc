from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from apps.archive.archive_json import archive_export


class Command(BaseCommand):
    help = "Write the whole archive (members, meetings, topics, remarks, main topics) as JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", type=Path, help="file to write (default: standard output)"
        )

    def handle(self, *args, output: Path | None, **options):
        text = json.dumps(archive_export(), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {output}")
