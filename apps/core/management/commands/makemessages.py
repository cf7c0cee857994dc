"""`makemessages` with the project's defaults: one command refreshes the English catalog.

`uv run manage.py makemessages -l en` skips the virtualenv, benchmarks and tests, and never
lets msgmerge guess a translation from a similar string (a guessed "fuzzy" entry would show a
wrong English text until someone noticed it); new strings stay empty so the catalog test
names them.
"""

from typing import Any

from django.core.management.commands import makemessages

IGNORED = [".venv", "bench", "tests", "media", "data", "node_modules"]


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

    def handle(self, *args: Any, **options: Any) -> None:
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        super().handle(*args, **options)
