"""Reading an export of the old notes page: bytes → text → plain dataclasses with line numbers.

Two variants share one structure — date line, guidance, `@presenter` blocks, `[kind] title`
topics, `メインTOPIC` — and differ in how notes are written: the plain-text export (`•` bullets
nested by indentation, lone lines) is converted to Markdown (plain_notes.py); the Markdown
variant (`- ` bullets, `#` headings, `[title](url)` links) is kept as written (markdown_notes.py).
Nothing here touches the database: the importer turns a ParsedMeeting into rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

from apps.core.textfiles import TextFileError, decode_text_file

from . import markdown_notes, plain_notes
from .syntax import (
    DATE_LINE_RE,
    FENCE_RE,
    HEADING_MARKS_RE,
    ITEM_RE,
    KIND_TAGS,
    MAIN_TOPIC_RE,
    PRESENTER_RE,
    TOPIC_RE,
    Line,
    name_key,
    normalize_name,
    remark_in,
    split_presenter,
    split_title,
    trim_lines,
)

# One meeting's export is tens of kilobytes (the real sample is 20 kB); anything this large is
# not one meeting's notes, and refusing it early keeps a request from parsing megabytes.
MAX_BYTES = 2 * 1024 * 1024

ERROR, WARNING, INFO = "error", "warning", "info"


class NotesError(Exception):
    """The file as a whole cannot be read as a notes export."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class Problem:
    line: int | None
    message: str
    level: str = ERROR


@dataclass
class ParsedRemark:
    handle: str
    body: str  # Markdown, exactly as it stands in the notes
    line: int


@dataclass
class ParsedTopic:
    kind: str
    title: str
    url: str
    line: int
    notes: str = ""
    remarks: list[ParsedRemark] = field(default_factory=list)


@dataclass
class ParsedPresenter:
    display_name: str
    handle: str  # "" when the export names none
    line: int
    topics: list[ParsedTopic] = field(default_factory=list)


@dataclass
class ParsedDeepDive:
    title: str
    url: str
    line: int
    presenter: ParsedPresenter | None
    body: str = ""
    remarks: list[ParsedRemark] = field(default_factory=list)


@dataclass
class ParsedMeeting:
    date: dt.date
    title: str
    guidance: str
    variant: str  # "text" or "markdown"
    presenters: list[ParsedPresenter] = field(default_factory=list)
    deep_dive: ParsedDeepDive | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]


def decode(data: bytes, *, size: int | None = None) -> tuple[str, str]:
    """(text, encoding label) of an uploaded export; see apps.core.textfiles."""
    try:
        return decode_text_file(data, max_bytes=MAX_BYTES, size=size, what=_("1回分のノートは"))
    except TextFileError as exc:
        raise NotesError(exc.message) from None


def detect_variant(text: str, *, name: str = "") -> str:
    """The variant of an export: a `.md` name says Markdown; otherwise the content decides."""
    if PurePath(name).suffix.lower() in {".md", ".markdown"}:
        return "markdown"
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if first.startswith("#"):
        return "markdown"
    if any(re.match(r"^\s*[•・]", line) for line in lines):
        return "text"
    markdown_marks = re.compile(r"^\s*[-*+] \S|^#{1,6} \S|\]\(https?://")
    return "markdown" if any(markdown_marks.search(line) for line in lines) else "text"


# --------------------------------------------------------------------------------------------
# Text → structure
# --------------------------------------------------------------------------------------------


def _structural(text: str, *, markdown: bool) -> tuple[str, re.Match[str] | None]:
    """What a line starts: "presenter", "topic", "main" or "text", and the match."""
    if not text or text[0] in " \t":
        return "text", None
    head = HEADING_MARKS_RE.sub("", text, count=1) if markdown else text
    for kind, pattern in (
        ("presenter", PRESENTER_RE),
        ("topic", TOPIC_RE),
        ("main", MAIN_TOPIC_RE),
    ):
        match = pattern.match(head)
        if match:
            return kind, match
    return "text", None


def structural_kind(text: str, *, markdown: bool) -> str:
    return _structural(text, markdown=markdown)[0]


def _lines(text: str, *, markdown: bool) -> list[Line]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    result = []
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.expandtabs(4)
        if not raw.strip():
            raw = ""  # lines of only (ideographic) spaces separate blocks
        elif not markdown:
            raw = raw.rstrip()  # the Markdown variant keeps two-space hard breaks
        result.append(Line(number, raw))
    return result


def _split_trailing_remarks(lines: list[Line]) -> tuple[list[Line], list[ParsedRemark]]:
    """Remark lines after a topic's notes (`[fr] …` at the left margin) belong to the topic,
    not to its notes; the exporter writes board remarks there. A remark that stands inside the
    notes (a bullet or an indented line) stays in the notes, where it was written."""
    lines = trim_lines(lines)
    remarks: list[ParsedRemark] = []
    end = len(lines)
    while end:
        start = end
        # A multi-line remark continues on lines indented by two spaces.
        while (
            start > 1
            and lines[start - 1].text.startswith("  ")
            and not ITEM_RE.match(lines[start - 1].text)
        ):
            start -= 1
        head = lines[start - 1]
        found = remark_in(head.text) if head.text[:1] not in {"", " "} else None
        if found is None:
            break
        body = "\n".join([found[1], *(line.text.strip() for line in lines[start:end])])
        remarks.insert(0, ParsedRemark(found[0], body, head.number))
        end = start - 1
        while end and not lines[end - 1].text:
            end -= 1
    return lines[:end], remarks


def parse(text: str, *, variant: str = "text") -> ParsedMeeting:
    """Read one meeting's export. Raises NotesError when the text is no notes export at all;
    anything wrong inside it is a Problem with its line number on the result."""
    markdown = variant == "markdown"
    lines = _lines(text, markdown=markdown)
    first = next((line for line in lines if line.text), None)
    if first is None:
        raise NotesError(_("ファイルが空です。"))
    date_match = DATE_LINE_RE.match(HEADING_MARKS_RE.sub("", first.text.strip(), count=1))
    if date_match is None:
        if any(structural_kind(line.text, markdown=markdown) != "text" for line in lines):
            raise NotesError(
                _("最初の行に日付がありません（例: 2025-03-28 機械学習勉強会）。"),
                line=first.number,
            )
        raise NotesError(
            _(
                "ノートのエクスポートではありません: 最初の行が「2025-03-28 機械学習勉強会」の形"
                "ではなく、@発表者 や [論文] [blog] [oss] の行もありません。"
            ),
            line=first.number,
        )
    year, month, day, title = date_match.groups()
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        raise NotesError(
            _("日付 %(date)s は存在しません。") % {"date": f"{year}-{month}-{day}"},
            line=first.number,
        ) from None
    return _Reader(markdown=markdown).read(
        lines[lines.index(first) + 1 :], date=date, title=normalize_name(title or "")
    )


class _Reader:
    """One pass over the lines after the date line, collecting blocks and problems."""

    def __init__(self, *, markdown: bool) -> None:
        self.markdown = markdown
        self.problems: list[Problem] = []
        self.presenters: list[ParsedPresenter] = []
        self.by_key: dict[str, ParsedPresenter] = {}
        self.topics: list[tuple[ParsedTopic, list[Line]]] = []  # each with its note lines

    def problem(self, line: int | None, message: str, level: str = ERROR) -> None:
        self.problems.append(Problem(line, message, level))

    def read(self, lines: list[Line], *, date: dt.date, title: str) -> ParsedMeeting:
        guidance: list[Line] = []
        main: list[Line] | None = None
        main_line: Line | None = None
        main_title = ""
        presenter: ParsedPresenter | None = None
        body: list[Line] | None = None  # the current topic's note lines
        in_fence = False
        for line in lines:
            if self.markdown and FENCE_RE.match(line.text):
                in_fence = not in_fence
            if not in_fence:
                # Also inside the main topic: two pasted exports put the second one there.
                self._refuse_second_meeting(line, title)
            if main is not None:
                main.append(line)
                continue
            kind, match = (
                ("text", None) if in_fence else _structural(line.text, markdown=self.markdown)
            )
            if kind == "presenter":
                assert match is not None  # every kind but "text" comes with its match
                presenter = self._presenter(match.group(1), line)
                body = None
            elif kind == "topic":
                assert match is not None
                topic_title, url = split_title(match.group(2))
                topic = ParsedTopic(
                    KIND_TAGS[match.group(1).lower()], topic_title, url, line.number
                )
                if presenter is None:
                    self.problem(line.number, _("発表者（@名前）の行より前にトピックがあります。"))
                else:
                    presenter.topics.append(topic)
                body = self._start_topic(topic)
            elif kind == "main":
                assert match is not None
                main, main_line, main_title = [], line, match.group(1) or ""
            elif body is not None:
                body.append(line)
            elif presenter is not None:
                body = self._untagged_topic(presenter, line)
            else:
                guidance.append(line)

        meeting = ParsedMeeting(
            date=date,
            title=title,
            guidance="\n".join(line.text for line in trim_lines(guidance)),
            variant="markdown" if self.markdown else "text",
        )
        for topic, note_lines in self.topics:
            topic.notes, topic.remarks = self._convert(note_lines, headings=False)
        meeting.presenters = [p for p in self.presenters if self._has_topics(p)]
        if main_line is not None:
            meeting.deep_dive = self._deep_dive(main_line, main_title, main or [])
        meeting.problems = sorted(self.problems, key=lambda p: p.line or 0)
        return meeting

    def _refuse_second_meeting(self, line: Line, title: str) -> None:
        """A line like the first one (a date and the same group name, or a bare date when the
        first had no name), in either variant's spelling, starts a second meeting."""
        text = HEADING_MARKS_RE.sub("", line.text, count=1) if self.markdown else line.text
        match = DATE_LINE_RE.match(text)
        if match and normalize_name(match.group(4) or "") == title:
            raise NotesError(
                _("2つ目の勉強会の日付行です。1つのファイルには1回分だけを入れてください。"),
                line=line.number,
            )

    def _presenter(self, raw: str, line: Line) -> ParsedPresenter:
        display_name, handle = split_presenter(raw)
        known = (handle and self.by_key.get("@" + handle)) or self.by_key.get(
            name_key(display_name)
        )
        if known:
            self.problem(
                line.number,
                _("@%(name)s は %(first)s 行目にもあります。同じ発表者としてまとめました。")
                % {"name": display_name, "first": known.line},
                WARNING,
            )
            known.handle = known.handle or handle
        else:
            known = ParsedPresenter(display_name, handle, line.number)
            self.presenters.append(known)
        self.by_key[name_key(display_name)] = known
        if known.handle:
            self.by_key["@" + known.handle] = known
        return known

    def _start_topic(self, topic: ParsedTopic) -> list[Line]:
        self.topics.append((topic, []))
        return self.topics[-1][1]

    def _untagged_topic(self, presenter: ParsedPresenter, line: Line) -> list[Line] | None:
        """Text between `@presenter` and its first `[kind]` line."""
        if not line.text:
            return None
        if line.text[0] == " " or ITEM_RE.match(line.text):
            self.problem(
                line.number,
                _("トピックの行（例: [blog] タイトル）がないままメモが始まっています。"),
            )
            return []  # the rest of these notes has nowhere to go; reported once
        title, url = split_title(line.text)
        self.problem(
            line.number,
            _("種類のタグ（[論文] [blog] [oss]）がありません。[blog] として取り込みます。"),
            WARNING,
        )
        topic = ParsedTopic("blog", title, url, line.number)
        presenter.topics.append(topic)
        return self._start_topic(topic)

    def _has_topics(self, presenter: ParsedPresenter) -> bool:
        if not presenter.topics:
            self.problem(
                presenter.line,
                _("@%(name)s にはトピックがありません。") % {"name": presenter.display_name},
                WARNING,
            )
        return bool(presenter.topics)

    def _deep_dive(self, main_line: Line, title: str, lines: list[Line]) -> ParsedDeepDive | None:
        lines = trim_lines(lines)
        presenter = None
        named = lines and PRESENTER_RE.match(HEADING_MARKS_RE.sub("", lines[0].text, count=1))
        if named:
            display_name, handle = split_presenter(named.group(1))
            presenter = ParsedPresenter(display_name, handle, lines[0].number)
            lines = trim_lines(lines[1:])
        title_line = main_line.number
        if not title and lines:
            title, title_line = (
                HEADING_MARKS_RE.sub("", lines[0].text.strip(), count=1),
                lines[0].number,
            )
            lines = lines[1:]
        tagged = TOPIC_RE.match(title)
        if tagged:  # `[論文] Title`: the main topic is always a paper
            title = tagged.group(2)
        title, url = split_title(title)
        if not title:
            self.problem(main_line.number, _("メインTOPICのタイトルがありません。"))
            return None
        deep_dive = ParsedDeepDive(title, url, title_line, presenter)
        deep_dive.body, deep_dive.remarks = self._convert(lines, headings=True)
        return deep_dive

    def _convert(self, lines: list[Line], *, headings: bool) -> tuple[str, list[ParsedRemark]]:
        lines, trailing = _split_trailing_remarks(lines)
        notes = markdown_notes if self.markdown else plain_notes
        text, inline = notes.convert(lines, headings=headings)
        return text, [ParsedRemark(h, b, n) for h, b, n in inline] + trailing
