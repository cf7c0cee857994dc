"""What a members' paper-note collection holds, once read: plain dataclasses, no database.

Every format fills the same `LibraryEntry`; fields a format does not carry stay empty, so the
importer can treat entries alike (a tagged note has tags and a comment, a digest entry has
authors, categories and Q&A, a summary has numbered sections).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ERROR, WARNING, INFO = "error", "warning", "info"

SUMMARIES, TAGGED_NOTES, DIGEST = "summaries", "tagged_notes", "digest"
FORMATS = (SUMMARIES, TAGGED_NOTES, DIGEST)


class LibraryFormatError(Exception):
    """The file as a whole cannot be read as a collection; the message is for its uploader."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Problem:
    line: int | None  # 1-based, as an editor shows it; None for the file as a whole
    message: str
    level: str = ERROR


@dataclass
class Section:
    number: int | None  # "## 3. …" → 3; None for a heading without a number
    heading: str
    body_markdown: str


@dataclass
class QuestionAnswer:
    question: str
    answer: str


@dataclass
class RelatedRef:
    """Another paper an entry points to: a quoted note (by title) or a note number (`・1466`)."""

    title: str
    line: int
    note_number: int | None = None


@dataclass
class LibraryEntry:
    title: str
    line: int  # where the entry starts
    # Identity within the file, for re-import: "arxiv:<id>" when the paper's own URL names an
    # arXiv id, else "title:<normalised title>".
    key: str
    urls: list[str] = field(default_factory=list)  # the paper itself (arXiv abs/pdf, …)
    authors: list[str] = field(default_factory=list)
    more_authors: bool = False  # "Hao Peng+": the list stops at the first author
    venue: str = ""  # "arXiv'25", "EMNLP'25 Findings"
    published: dt.date | None = None
    updated: dt.date | None = None
    categories: list[str] = field(default_factory=list)
    abstract: str = ""  # the paper's abstract as the collection gives it (digest 概要)
    summary: str = ""  # a short summary (tagged notes' Summary, the digest's list line)
    sections: list[Section] = field(default_factory=list)
    qa: list[QuestionAnswer] = field(default_factory=list)
    comment: str = ""
    comment_urls: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # without the leading "#", as written
    related: list[RelatedRef] = field(default_factory=list)
    noted_on: dt.date | None = None  # Issue Date, or the last day of the digest's week


@dataclass
class LibraryParse:
    format: str
    entries: list[LibraryEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    period: tuple[dt.date, dt.date] | None = None  # digest only: first and last day covered

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]
