"""Text handling shared by the three formats: line splitting, dates, titles, mojibake."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from .problems import ProblemLog

# Longer than any real title (the longest in the samples has 125 characters); a longer one means
# the line's field markers were lost, and a 2 MB "title" must not reach the database.
MAX_TITLE = 300

# UTF-8 Japanese read as Latin-1/cp1252 and saved again: lead bytes E3–E9 become ã…é, the
# continuation bytes become C1 controls, Latin-1 symbols or the cp1252 punctuation block.
_CONTINUATION = (
    "\u0080-\u00bf"
    "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_LATIN1_MOJIBAKE = re.compile(f"(?:[\u00c2-\u00ef][{_CONTINUATION}]{{1,2}}){{2,}}")
# UTF-8 read as Shift_JIS: の, を, ン… come out as 縺/繧/繝 followed by half-width kana.
_SJIS_MOJIBAKE = re.compile("[\u7e3a\u7e67\u7e5d][\uff61-\uff9f]")

# Characters every kind of mojibake above contains; most files have none of them at all.
_SUSPECT = re.compile("[\ufffd\u00c2-\u00ef\u7e3a\u7e67\u7e5d]")

_DATE = re.compile(r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?")
_NOT_WORD = re.compile(r"[\W_]+")


def split_lines(text: str) -> list[str]:
    """Lines of a text whatever its line endings; a byte-order mark is not content."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def report_mojibake(lines: list[str], log: ProblemLog) -> None:
    """One warning for the whole file: the fix (re-saving it) is the same for every line."""
    if not any(_SUSPECT.search(line) for line in lines):
        return
    found = [
        number
        for number, line in enumerate(lines, 1)
        if "\ufffd" in line
        or _LATIN1_MOJIBAKE.search(line)
        or len(_SJIS_MOJIBAKE.findall(line)) >= 2
    ]
    if found:
        log.warning(
            found[0],
            _(
                "文字化けしているようです（%(count)d 行、最初は %(first)d 行目）。"
                "元のファイルの文字コードを確かめて保存し直してください。"
            ),
            count=len(found),
            first=found[0],
        )


def parse_date(value: str) -> dt.date | None:
    """`2025-08-28`, `2024年01月04日`, `2024/1/4` → a date; None for anything else."""
    value = value.strip()
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def title_key(title: str) -> str:
    """The same title however it is spaced, cased or punctuated.

    `GPT-4V(ision)` = `gpt 4v ision`.
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_WORD.sub(" ", folded).strip()


def clean_title(title: str, line: int, log: ProblemLog) -> str:
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        log.warning(
            line,
            _("タイトルが長すぎます（%(length)d 文字）。先頭の %(limit)d 文字だけを使います。"),
            length=len(title),
            limit=MAX_TITLE,
        )
        title = title[:MAX_TITLE].rstrip()
    return title


def shorten(text: str, limit: int = 40) -> str:
    """A title as quoted in a report line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
