"""Per-paper summaries: a Markdown file of papers, each answered along the same numbered questions.

    # Tell me why: Visual foundation models as self-explainable classifiers
    [View Paper](http://arxiv.org/abs/2502.19577v1)
    ## 1. 既存研究では何ができなかったのか
    …
    ---

A `# ` heading starts a paper, the `[View Paper](…)` link is its URL, each `## N. …` heading
starts a section whose body (sub-headings, lists, code) is kept as Markdown. `---` only separates
papers. Code blocks are fenced, often indented inside list items, and full of `# comment` lines:
nothing inside a fence is structure.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .entries import SUMMARIES, LibraryEntry, LibraryParse, Section
from .identity import entry_key, merge_duplicates
from .problems import ProblemLog
from .text import clean_title, report_mojibake, shorten, split_lines
from .urls import find_urls

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_SECTION_NUMBER = re.compile(r"(\d{1,3})\s*[.．、)]\s*")
_VIEW_PAPER = "[View Paper]("
_RULE = re.compile(r"[ \t]*(?:-[ \t]*){3,}|[ \t]*(?:\*[ \t]*){3,}|[ \t]*(?:_[ \t]*){3,}")


def parse(text: str) -> LibraryParse:
    lines = split_lines(text)
    log = ProblemLog()
    report_mojibake(lines, log)
    reader = _Reader(log)
    for number, line in enumerate(lines, 1):
        reader.feed(number, line)
    entries = merge_duplicates(reader.finish(len(lines)), log)
    return LibraryParse(format=SUMMARIES, entries=entries, problems=log.result())


def looks_like(text: str) -> int:
    """How strongly the text is this format: View Paper links and titled, numbered papers."""
    links = titles = numbered = 0
    fence = ""
    for line in split_lines(text):
        fence, inside = _fence_state(fence, line)
        if inside:
            continue
        if line.startswith(_VIEW_PAPER):
            links += 1
        elif _heading_level(line) == 1 and line[1:].strip():
            titles += 1
        elif _heading_level(line) == 2 and _SECTION_NUMBER.match(line[2:].lstrip()):
            numbered += 1
    return 2 * links + (titles if numbered else 0)


def looks_like_code_only(lines: list[str]) -> bool:
    """True when every non-blank line is inside a fenced code block."""
    fence = ""
    seen_code = False
    for line in lines:
        fence, inside = _fence_state(fence, line)
        if inside:
            seen_code = True
        elif line.strip():
            return False
    return seen_code


def _heading_level(line: str) -> int:
    """ATX heading level of a line (0 if not a heading): `#` marks then a space or nothing."""
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6:
        return 0
    rest = line[level:]
    return level if not rest or rest[0] in " \t" else 0


def _fence_state(fence: str, line: str) -> tuple[str, bool]:
    """(open fence after this line, whether this line is code or a fence line)."""
    match = _FENCE.match(line)
    if not fence:
        return (match.group(1), True) if match else ("", False)
    closes = (
        match is not None
        and match.group(1)[0] == fence[0]
        and len(match.group(1)) >= len(fence)
        and not line[match.end() :].strip()
    )
    return ("" if closes else fence), True


class _Reader:
    def __init__(self, log: ProblemLog) -> None:
        self.log = log
        self.entries: list[LibraryEntry] = []
        self.entry: LibraryEntry | None = None
        self.preamble: list[str] = []  # lines between the title and the first section
        self.section: Section | None = None
        self.body: list[str] = []
        self.fence = ""
        self.fence_line = 0
        self.fenced_headings = 0  # `#` lines seen inside code, for the "only code" report
        self.untitled = False  # inside a paper whose title is missing: its lines are skipped

    def feed(self, number: int, line: str) -> None:
        was_open = bool(self.fence)
        self.fence, inside = _fence_state(self.fence, line)
        if inside:
            if not was_open:
                self.fence_line = number
            elif line.lstrip().startswith("#"):
                self.fenced_headings += 1
            self._text(number, line, code=True)
            return
        level = _heading_level(line)
        if level == 1:
            self._title(number, line[1:].strip().rstrip("#").strip())
        elif level == 2 and (self.entry is not None or self.untitled):
            self._section(line[2:].strip().rstrip("#").strip())
        elif self.entry is not None and self.section is None and line.startswith(_VIEW_PAPER):
            self.entry.urls.extend(find_urls(line))
        else:
            self._text(number, line)

    def finish(self, last_line: int) -> list[LibraryEntry]:
        if self.fence:
            self.log.warning(
                self.fence_line,
                _("コードブロック（```）が閉じられないままファイルが終わっています。"),
            )
        self._close()
        if not self.entries and not self.untitled:
            message = gettext("論文のタイトル行（# タイトル）が見つかりません。")
            if self.fenced_headings:
                message += " " + gettext(
                    "コードブロックの中の # で始まる行はタイトルとして扱いません。"
                )
            self.log.error(None, message)
        return self.entries

    def _title(self, number: int, title: str) -> None:
        self._close()
        title = clean_title(title, number, self.log)
        if not title:
            self.log.error(
                number, _("見出し「#」にタイトルがありません。この論文は取り込みません。")
            )
            self.untitled = True
            return
        self.untitled = False
        self.entry = LibraryEntry(title=title, line=number, key="")

    def _section(self, heading: str) -> None:
        self._close_section()
        match = _SECTION_NUMBER.match(heading)
        number = int(match.group(1)) if match else None
        self.section = Section(number, heading[match.end() :] if match else heading, "")

    def _text(self, number: int, line: str, *, code: bool = False) -> None:
        if self.section is not None:
            self.body.append(line)
        elif self.entry is not None:
            self.preamble.append(line)
        elif line.strip() and not code and not _RULE.fullmatch(line) and not self.untitled:
            # Code before any title is reported once, by finish(), with the reason.
            self.log.warning(
                number,
                _("論文のタイトル（# …）より前の行は読み飛ばしました: %(text)s"),
                text=shorten(line.strip()),
            )

    def _close_section(self) -> None:
        if self.section is None:
            return
        # The `---` between papers ends up at the bottom of the last section: it is not content.
        while self.body and (not self.body[-1].strip() or _RULE.fullmatch(self.body[-1])):
            self.body.pop()
        self.section.body_markdown = _strip_blank_lines(self.body)
        if self.entry is not None:
            self.entry.sections.append(self.section)
        self.section, self.body = None, []

    def _close(self) -> None:
        self._close_section()
        entry, self.entry = self.entry, None
        preamble, self.preamble = self.preamble, []
        if entry is None:
            return
        while preamble and _RULE.fullmatch(preamble[-1]):
            preamble.pop()
        entry.summary = _strip_blank_lines(preamble)
        entry.urls = list(dict.fromkeys(entry.urls))
        entry.key = entry_key(entry.title, entry.urls)
        if not entry.urls:
            self.log.warning(
                entry.line,
                _(
                    "「%(title)s」に [View Paper](…) のリンクがありません。"
                    "あとでタイトルで論文を探します。"
                ),
                title=shorten(entry.title),
            )
        if not entry.sections:
            self.log.warning(
                entry.line,
                _("「%(title)s」には番号付きの節（## 1. …）がありません。"),
                title=shorten(entry.title),
            )
        self.entries.append(entry)


def _strip_blank_lines(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])
