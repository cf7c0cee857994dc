"""Members' paper-note collections → plain entries: three formats, recognised automatically.

- per-paper summaries (Markdown, summaries.py),
- tagged paper notes (`Issue Date: … [Paper Note] …`, tagged_notes.py),
- the weekly digest (`最新論文ノート:【…】`, digest.py).

Each format's `parse(text)` returns a `LibraryParse` and never raises: what it cannot read is a
report line with its line number. Only a file that is none of the formats, or not text at all,
is refused with `LibraryFormatError`. Nothing here touches the database.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.core.textfiles import TextFileError, decode_text_file

from . import digest, summaries, tagged_notes
from .detect import FORMAT_LABELS, detect_format, unknown_format_message
from .entries import (
    DIGEST,
    FORMATS,
    INFO,
    SUMMARIES,
    TAGGED_NOTES,
    LibraryEntry,
    LibraryFormatError,
    LibraryParse,
    Problem,
    QuestionAnswer,
    RelatedRef,
    Section,
)

# As for a meeting's notes export: one upload must not hold a worker on megabytes of text, and a
# larger collection is uploaded as several files.
MAX_BYTES = 2 * 1024 * 1024

_PARSERS = {SUMMARIES: summaries.parse, TAGGED_NOTES: tagged_notes.parse, DIGEST: digest.parse}

__all__ = [
    "DIGEST",
    "FORMATS",
    "FORMAT_LABELS",
    "MAX_BYTES",
    "SUMMARIES",
    "TAGGED_NOTES",
    "LibraryEntry",
    "LibraryFormatError",
    "LibraryParse",
    "Problem",
    "QuestionAnswer",
    "RelatedRef",
    "Section",
    "detect_format",
    "parse_library",
    "read_library_file",
]


def parse_library(text: str, *, name: str = "") -> LibraryParse:
    """Entries of a collection in whichever of the three formats it is written."""
    format_ = detect_format(text, name=name)
    if format_ is None:
        raise LibraryFormatError(unknown_format_message(text))
    return _PARSERS[format_](text)


def read_library_file(data: bytes, *, name: str = "", size: int | None = None) -> LibraryParse:
    """Entries of an uploaded file; `size` is its real size when only a prefix was read."""
    try:
        text, encoding = decode_text_file(
            data, max_bytes=MAX_BYTES, size=size, what=_("ノート集は")
        )
    except TextFileError as exc:
        raise LibraryFormatError(exc.message) from None
    parsed = parse_library(text, name=name)
    if encoding != "UTF-8":
        parsed.problems.insert(
            0,
            Problem(
                None,
                _("文字コード %(encoding)s のファイルとして読みました。") % {"encoding": encoding},
                INFO,
            ),
        )
    return parsed
