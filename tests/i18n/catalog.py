"""Reads the English catalog (locale/en/LC_MESSAGES/*.po) for the i18n tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
REFRESH = "uv run manage.py makemessages -l en"


@dataclass
class Entry:
    msgid: str
    plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    fuzzy: bool = False


def parse(path: Path) -> list[Entry]:
    """The catalog's entries, header left out. Obsolete (#~) entries are not entries."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: str | None = None
    fuzzy = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("msgid "):
            current = Entry(json.loads(line[6:]), fuzzy=fuzzy)
            entries.append(current)
            target, fuzzy = "msgid", False
        elif current and line.startswith("msgid_plural "):
            current.plural, target = json.loads(line[13:]), "plural"
        elif current and line.startswith("msgstr"):
            current.msgstr.append(json.loads(line.split(" ", 1)[1]))
            target = "msgstr"
        elif current and line.startswith('"'):
            text = json.loads(line)
            if target == "msgid":
                current.msgid += text
            elif target == "plural":
                current.plural = (current.plural or "") + text
            elif target == "msgstr":
                current.msgstr[-1] += text
        else:
            target = None
    return [entry for entry in entries if entry.msgid]
