"""Tagged paper notes, as copied out of a notes site's list page.

One note, multi-line layout:

    #Pocket
    #EMNLP
    Issue Date: 2025-08-22
    [Paper Note] Are Checklists Really Useful for …?, Momoka Furuhashi+, EMNLP'25
    Summary生成タスクの自動評価における…
    Comment元ポスト:https://x.com/…pj page:https://…
    ・1466

The same note in the one-line layout (the copy lost the line breaks between fields; shown
wrapped here, it is one line in the file):

    Issue Date: 2025-08-22 [Paper Note] Are …?, Momoka Furuhashi+, EMNLP'25
    Summary生成… Comment元ポスト:… #Pocket #NLP

Facts read from the members' files:
- A note's `#Tag` lines come *before* its `Issue Date:` line. The tags agree with the note
  after them (`#EMNLP #Findings` stand before the one note whose venue is "EMNLP'25 Findings",
  `#Factuality #RewardHacking` before "Learning to Reason for Factuality"); the first note of a
  file has tags above it and the last note has none below it. So `#Pocket #NLP` at the end of a
  one-line note belong to the next note, and tags followed by anything but a note are text.
- In the one-line layout a note may begin in the middle of a line, after the previous note's
  last words and its own tags:
  `あとで追記する #Pocket #NLP … Issue Date: 2025-08-02 [Paper Note] …`.
  A mid-line `Issue Date:` *without* tags before it is a note quoted inside a comment, as is a
  `[Paper Note] …` with no `Issue Date:` and any line quoted with `>`: related papers, not notes.
- The heading is `Title, First Author+, Venue`: `+` means "and others"; titles may hold commas.
- `Summary` and `Comment` are glued to their text. Comments hold source posts
  (`元ポスト:https://x.com/…`), other links (`HF:https://huggingface.co/…`, `pj page:…`), bullet
  lines `・…`, and bare numbers `・2540` that point to other notes of the same site.
- The paper's own URL is not in the copy (it was the heading's link): such entries have no
  `urls` and are matched by title later.
- The same note may be copied twice; the copies are one paper.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .entries import TAGGED_NOTES, LibraryEntry, LibraryParse, RelatedRef
from .identity import entry_key, merge_duplicates
from .problems import ProblemLog
from .text import MAX_TITLE, clean_title, parse_date, report_mojibake, shorten, split_lines
from .urls import find_urls

START = "Issue Date:"
NOTE_LABEL = "Paper Note"
_QUOTED = f"[{NOTE_LABEL}]"
MAX_TAG = 100  # the longest real tag is ~30 characters

_DATE = re.compile(r"[ \t]*(\d{4}-\d{1,2}-\d{1,2})")
_INLINE_TAG = re.compile(r"(?:^|\s)#(?=[^\s#])")
_VENUE_YEAR = re.compile(r"'\d{2}\b")
_LABEL = re.compile(r"\[([^\[\]\n]{1,40})\][ \t]*")
# `・2540` alone, or glued to the next paragraph's first word (`・2378Reasoning Modelの…`); a
# model size such as `・8B token…` is not a note number.
_NOTE_NUMBER = re.compile(
    r"[ \t]*・[ \t]*(\d{1,6})[ \t]*$|[ \t]*・(\d{3,6})(?=[A-Z][a-z]|[ \t(（:：])"
)
_STRUCTURE_LOOKBACK = 4000  # enough for any tag run before a mid-line note
_HEADER_WINDOW = 2000  # a title, its first author and venue fit in far less
_MAX_VENUE = 60


def parse(text: str) -> LibraryParse:
    lines = split_lines(text)
    log = ProblemLog()
    report_mojibake(lines, log)
    notes = _group(_pieces(lines), log)
    entries = [entry for note in notes if (entry := _entry(note, log)) is not None]
    return LibraryParse(
        format=TAGGED_NOTES, entries=merge_duplicates(entries, log), problems=log.result()
    )


def looks_like(text: str) -> int:
    """Number of `Issue Date: YYYY-MM-DD [Paper Note]` note starts."""
    return len(_NOTE_START.findall(text))


_NOTE_START = re.compile(r"Issue Date:[ \t]*\d{4}-\d{1,2}-\d{1,2}\s*\[Paper Note\]")


# --- first pass: lines → pieces ------------------------------------------------------------


@dataclass(slots=True)
class _Piece:
    kind: str  # "text", "tags", "start"
    line: int
    text: str  # for "start": what follows "Issue Date:"
    tags: list[str] = field(default_factory=list)


def _pieces(lines: list[str]) -> list[_Piece]:
    pieces: list[_Piece] = []
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith(">"):
            pieces.append(_Piece("text", number, line))
            continue
        starts = _note_starts(line)
        if not starts:
            _add_text(pieces, number, line, whole_line=True)
            continue
        if starts[0] > 0:
            _add_text(pieces, number, line[: starts[0]], whole_line=False)
        for begin, end in zip(starts, [*starts[1:], len(line)], strict=True):
            body, tags = _split_trailing_tags(line[begin + len(START) : end])
            pieces.append(_Piece("start", number, body))
            if tags:
                pieces.append(
                    _Piece("tags", number, line[begin:end][len(START) + len(body) :], tags)
                )
    return pieces


def _note_starts(line: str) -> list[int]:
    """Where notes begin in a line: at its start, or mid-line right after a run of tags."""
    starts: list[int] = []
    indent = len(line) - len(line.lstrip())
    seen = 0  # text before here cannot hold the tag run of a later start
    position = line.find(START)
    while position != -1:
        if position == indent:
            starts.append(position)
        elif line[position - 1].isspace():
            window = line[max(seen, position - _STRUCTURE_LOOKBACK) : position]
            if _split_trailing_tags(window)[1]:
                starts.append(position)
        seen = position + len(START)
        position = line.find(START, seen)
    return starts


def _add_text(pieces: list[_Piece], number: int, text: str, *, whole_line: bool) -> None:
    if whole_line and text.startswith("#") and _tag_like(text[1:].rstrip()):
        pieces.append(_Piece("tags", number, text, _split_tags(text)))
        return
    body, tags = _split_trailing_tags(text)
    if body.strip() or not tags:
        pieces.append(_Piece("text", number, body))
    if tags:
        pieces.append(_Piece("tags", number, text[len(body) :], tags))


def _split_tags(text: str) -> list[str]:
    """`#Pocket #NLP` → ["Pocket", "NLP"]; one tag per line may hold spaces
    (`#Supervised-FineTuning (SFT)`)."""
    return [tag.strip() for tag in _INLINE_TAG.split(text) if tag.strip()]


def _split_trailing_tags(text: str) -> tuple[str, list[str]]:
    """(text before, tags) for the run of `#Tag` words ending `text`, read from its end."""
    if "#" not in text:
        return text.rstrip(), []
    starts = [match.start() for match in _INLINE_TAG.finditer(text)]
    cut, tags = len(text), []
    for start in reversed(starts):
        piece = text[start:cut].strip()[1:].strip()
        if not _tag_like(piece):
            break
        tags.append(piece)
        cut = start
    return text[:cut].rstrip(), tags[::-1]


def _tag_like(piece: str) -> bool:
    # Tags are words; a few ASCII words at most ("Supervised-FineTuning (SFT)"). A sentence
    # (`#1 の実験と同じ設定`), a URL or a bare number (`#2378`, a note number) is not a tag.
    spaces = piece.count(" ")
    return (
        bool(piece)
        and piece[0] not in " \t#"
        and not piece.isdigit()
        and (spaces == 0 or (spaces <= 3 and piece.isascii()))
        and "://" not in piece
        and not any(mark in piece for mark in "。、！？")
    )


# --- second pass: pieces → notes -----------------------------------------------------------


@dataclass(slots=True)
class _Note:
    line: int
    date_text: str
    lines: list[tuple[int, str]]  # the note's text, the rest of its first line first
    tags: list[tuple[int, str]]


def _group(pieces: list[_Piece], log: ProblemLog) -> list[_Note]:
    notes: list[_Note] = []
    pending: list[_Piece] = []  # tags (and blank lines) waiting for the note they stand before

    def flush_as_text() -> None:
        for piece in pending:
            if not notes:
                _unknown(piece, log)
                continue
            lines = notes[-1].lines
            if piece.kind == "tags" and lines and lines[-1][0] == piece.line:
                # Tags cut off the end of a line go back where they stood.
                lines[-1] = (piece.line, lines[-1][1] + piece.text)
            else:
                lines.append((piece.line, piece.text.strip()))
        pending.clear()

    for piece in pieces:
        blank = piece.kind == "text" and not piece.text.strip()
        if piece.kind == "tags" or (blank and pending):
            pending.append(piece)
        elif blank:
            if notes:
                notes[-1].lines.append((piece.line, ""))
        elif piece.kind == "text":
            flush_as_text()
            if notes:
                notes[-1].lines.append((piece.line, piece.text))
            else:
                _unknown(piece, log)
        else:
            match = _DATE.match(piece.text)
            date_text = match.group(1) if match else ""
            rest = piece.text[match.end() :] if match else piece.text
            tags = [(p.line, tag) for p in pending for tag in p.tags]
            pending.clear()
            notes.append(_Note(piece.line, date_text, [(piece.line, rest)], tags))
    if any(piece.kind == "tags" for piece in pending):
        log.warning(
            pending[0].line,
            _("タグ（#…）のあとにノートがありません。これらのタグは読み飛ばしました。"),
        )
    return notes


def _unknown(piece: _Piece, log: ProblemLog) -> None:
    log.warning(
        piece.line,
        _("ノート（Issue Date: …）より前の行は読み飛ばしました: %(text)s"),
        text=shorten(piece.text.strip()),
    )


# --- one note → one entry ------------------------------------------------------------------


class _Text:
    """Line numbers of offsets in a note's lines joined by newlines."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.numbers = [number for number, _text in lines]
        self.offsets: list[int] = []
        offset = 0
        for _number, text in lines:
            self.offsets.append(offset)
            offset += len(text) + 1

    def line_at(self, offset: int) -> int:
        return self.numbers[max(0, bisect_right(self.offsets, offset) - 1)]


def _entry(note: _Note, log: ProblemLog) -> LibraryEntry | None:
    s = "\n".join(text for _number, text in note.lines)
    at = len(s) - len(s.lstrip())
    label = _LABEL.match(s, at)
    if label:
        at = label.end()
        if label.group(1) != NOTE_LABEL:
            log.info(
                note.line,
                _("見出しの種類が [%(label)s] です（[Paper Note] として読み込みました）。"),
                label=label.group(1),
            )
    if label is None and (s.startswith("Summary", at) or s.startswith("Comment", at)):
        header_end, body_at = at, at  # the heading line is missing, not the summary
    else:
        header_end, body_at = _header_end(s, at)
    header = s[at:header_end].strip()
    title, authors, more_authors, venue = _split_header(header)
    title = clean_title(title, note.line, log)
    if not title:
        log.error(note.line, _("論文のタイトルがないノートです。このノートは取り込みません。"))
        return None
    noted_on = parse_date(note.date_text) if note.date_text else None
    if noted_on is None:
        log.warning(
            note.line,
            _("Issue Date の日付が読めません（YYYY-MM-DD で書いてください）。")
            if not note.date_text
            else _("Issue Date の日付 %(date)s は存在しません。"),
            date=note.date_text,
        )
    summary, comment, comment_at = _fields(s, body_at, note.line, log)
    entry = LibraryEntry(
        title=title,
        line=note.line,
        key=entry_key(title, []),
        authors=authors,
        more_authors=more_authors,
        venue=venue,
        summary=summary,
        comment=comment,
        comment_urls=find_urls(comment),
        tags=_clean_tags(note.tags, log),
        noted_on=noted_on,
    )
    if comment:
        entry.related = _related(s, comment_at, _Text(note.lines))
    return entry


def _header_end(s: str, at: int) -> tuple[int, int]:
    """(end of the heading, start of what follows) for the heading starting at `at`.

    Multi-line: the heading is its line. One-line: it ends at the ` Summary` (or ` Comment`)
    that follows the venue; a title may itself contain the word (`… Summary Evaluation, …`).
    """
    line_end = s.find("\n", at)
    line_end = len(s) if line_end == -1 else line_end
    window_end = min(line_end, at + _HEADER_WINDOW)
    candidates: list[int] = []
    for marker in (" Summary", " Comment"):
        found = s.find(marker, at, window_end)
        while found != -1:
            candidates.append(found)
            found = s.find(marker, found + 1, window_end)
    candidates.sort()
    fallback = None
    commas, last_comma, previous = 0, -1, at
    for candidate in candidates:
        # Counted piece by piece: a window full of markers must not be rescanned per marker.
        segment_start = max(at, previous - 1)
        commas += s.count(", ", segment_start, candidate)
        found = s.rfind(", ", segment_start, candidate)
        last_comma = found if found != -1 else last_comma
        previous = candidate
        venue = s[last_comma + 2 : candidate] if last_comma != -1 else ""
        if len(venue) <= _MAX_VENUE and _VENUE_YEAR.search(venue):
            return candidate, candidate + 1
        if fallback is None and commas >= 2:
            fallback = candidate
    if fallback is not None:
        return fallback, fallback + 1
    # No marker: the heading is its line (multi-line layout), but never more than a heading's
    # worth of it, so that a megabyte-long line is not copied for every note in it.
    return window_end, window_end


def _split_header(header: str) -> tuple[str, list[str], bool, str]:
    """`Title, Hao Peng+, arXiv'25` → (title, ["Hao Peng"], True, "arXiv'25")."""
    parts = header.rsplit(", ", 2)
    if len(parts) == 3:
        title, authors, venue = parts
    elif len(parts) == 2 and _VENUE_YEAR.search(parts[1]):
        (title, venue), authors = parts, ""
    elif len(parts) == 2 and parts[1].rstrip().endswith("+"):
        (title, authors), venue = parts, ""
    else:
        title, authors, venue = header, "", ""
    authors = authors.strip()
    more = authors.endswith("+")
    names = [authors.rstrip("+").strip()] if authors.rstrip("+").strip() else []
    return title.strip(), names, more, venue.strip()


def _fields(s: str, at: int, line: int, log: ProblemLog) -> tuple[str, str, int]:
    """(summary, comment, offset where the comment's text starts) after the heading."""
    while at < len(s) and s[at].isspace():
        at += 1
    has_summary = s.startswith("Summary", at)
    summary_at = at + len("Summary") if has_summary else at
    if s.startswith("Comment", at) and _marker_ends(s, at + len("Comment")):
        comment_at = at + len("Comment")
        return "", s[comment_at:].strip(), comment_at
    marker = _comment_marker(s, summary_at)
    summary = s[summary_at : marker if marker != -1 else len(s)].strip()
    if summary and not has_summary:
        log.warning(
            line,
            _("見出しの後に Summary / Comment 以外の文があります（要約として読み込みました）。"),
        )
    if marker == -1:
        return summary, "", len(s)
    comment_at = marker + len("Comment")
    return summary, s[comment_at:].strip(), comment_at


def _comment_marker(s: str, at: int) -> int:
    """Offset of the `Comment` that starts the comment: at a line's start anywhere, or after a
    space on the summary's own line (one-line layout); -1 if none."""
    first_line_end = s.find("\n", at)
    first_line_end = len(s) if first_line_end == -1 else first_line_end
    best = -1
    found = s.find(" Comment", at, first_line_end)
    while found != -1:
        if _marker_ends(s, found + len(" Comment")):
            best = found + 1
            break
        found = s.find(" Comment", found + 1, first_line_end)
    found = s.find("\nComment", at)
    while found != -1 and (best == -1 or found < best):
        if _marker_ends(s, found + len("\nComment")):
            return found + 1
        found = s.find("\nComment", found + 1)
    return best


def _marker_ends(s: str, end: int) -> bool:
    # "Comment元ポスト", "Comment:" or the end: a marker; "Comments …", "Commentary": words.
    return end >= len(s) or not ("a" <= s[end] <= "z")


def _clean_tags(tags: list[tuple[int, str]], log: ProblemLog) -> list[str]:
    kept: list[str] = []
    seen: set[str] = set()
    for line, tag in tags:
        if len(tag) > MAX_TAG:
            log.warning(
                line,
                _("タグが長すぎます（%(length)d 文字）。先頭の %(limit)d 文字だけを使います。"),
                length=len(tag),
                limit=MAX_TAG,
            )
            tag = tag[:MAX_TAG].rstrip()
        if tag not in seen:
            seen.add(tag)
            kept.append(tag)
    return kept


def _related(s: str, comment_at: int, text: _Text) -> list[RelatedRef]:
    """Papers the comment points to: quoted notes by title, other notes by number."""
    refs: list[RelatedRef] = []
    seen: set[tuple[str, int | None]] = set()

    def add(title: str, line: int, number: int | None) -> None:
        if (title, number) not in seen:
            seen.add((title, number))
            refs.append(RelatedRef(title=title, line=line, note_number=number))

    offset = comment_at
    while offset < len(s):
        end = s.find("\n", offset)
        end = len(s) if end == -1 else end
        line_text = s[offset:end]
        number = _NOTE_NUMBER.match(line_text)
        if number:
            add("", text.line_at(offset), int(number.group(1) or number.group(2)))
        quoted = line_text.find(_QUOTED)
        while quoted != -1:
            following = line_text.find(_QUOTED, quoted + 1)
            at = offset + quoted + len(_QUOTED)
            header_end = _header_end(s, at)[0]
            if following != -1:
                header_end = min(header_end, offset + following)
            title = " ".join(_split_header(s[at:header_end].strip())[0].split())
            if title:
                add(title[:MAX_TITLE], text.line_at(at), None)
            quoted = following
        offset = end + 1
    return refs
