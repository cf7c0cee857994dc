"""Plain-text notes (the old page's export) → Markdown.

Bullets are `•` nested by indentation (two spaces per level), numbered items are `1.`, and
every other line stands alone. The text is escaped so that it renders as written; remarks
(`[fr] …`) keep their `[handle]` and are collected with their line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .syntax import ITEM_RE, Line, remark_in, trim_lines

_SENTENCE_MARKS = ("。", "、", "，", "．")
_SENTENCE_ENDS = (".", ":", "：", "!", "?", "！", "？", ";", "；")
_MAX_HEADING = 60
_MAX_NUMBERED_HEADING = 100

_INLINE_ESCAPES = (
    (re.compile(r"([\\`*])"), r"\\\1"),
    # Underscores inside words (`max_new_tokens`) are never emphasis; only escape the others.
    (re.compile(r"(?<!\w)_|_(?!\w)"), r"\\_"),
    (re.compile(r"<(?=[A-Za-z/!?])"), "&lt;"),
)
# Text at the start of a line that Markdown would read as a block of its own.
_BLOCK_START_RE = re.compile(r"^(?:#|>|[-+](?=\s|$)|\[[^\]]*\]:|(?:[-_]\s*){3,}$)")
_NUMBER_START_RE = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def escape_inline(text: str) -> str:
    for pattern, replacement in _INLINE_ESCAPES:
        text = pattern.sub(replacement, text)
    return text


def escape_block(text: str) -> str:
    """Plain text → Markdown that renders as the same text (remarks keep their `[handle]`)."""
    text = escape_inline(text)
    if _BLOCK_START_RE.match(text):
        return "\\" + text
    return _NUMBER_START_RE.sub(r"\1\\\2", text)


@dataclass
class _Item:
    line: Line
    col: int
    marker: str  # "-" or "3."
    text: str


@dataclass
class _Text:
    line: Line
    col: int
    text: str


@dataclass
class _Level:
    col: int  # where the marker stood in the export
    indent: int  # where it stands in the Markdown
    content: int  # where its children go in the Markdown
    ordered: bool


def _tokens(lines: list[Line]) -> list[_Item | _Text | None]:
    """None for a blank line."""
    tokens: list[_Item | _Text | None] = []
    for line in lines:
        if not line.text:
            tokens.append(None)
            continue
        item = ITEM_RE.match(line.text)
        if item:
            marker = item.group(2)
            marker = marker[:-1] + "." if marker[0].isdigit() else "-"
            tokens.append(_Item(line, len(item.group(1)), marker, item.group(3)))
        else:
            col = len(line.text) - len(line.text.lstrip(" "))
            tokens.append(_Text(line, col, line.text.strip()))
    return tokens


def convert(lines: list[Line], *, headings: bool) -> tuple[str, list[tuple[str, str, int]]]:
    """(Markdown, [(handle, body, line number)]) for one topic's notes or the main topic."""
    return _PlainNotes(lines, headings=headings).convert()


class _PlainNotes:
    """Bullets nested by indentation, numbered items and lone lines → Markdown.

    Every lone line is its own paragraph (the old page had one block per line). In the main
    topic, lone short lines without sentence punctuation are headings; their level follows their
    indentation, numbered section lines (`1. Introduction` between blank lines) rank above other
    headings at the same indentation. The line right after the title is the paper's one-line
    description, never a heading.
    """

    def __init__(self, lines: list[Line], *, headings: bool) -> None:
        self.tokens = _tokens(trim_lines(lines))
        self.levels = self._heading_levels() if headings else {}
        self.out: list[str] = []
        self.remarks: list[tuple[str, str, int]] = []

    def convert(self) -> tuple[str, list[tuple[str, str, int]]]:
        stack: list[_Level] = []
        after_blank = True
        for index, token in enumerate(self.tokens):
            if token is None:
                after_blank = True
                continue
            if index in self.levels:
                stack.clear()
                self._block("#" * self.levels[index] + " " + escape_inline(token.text))
            elif isinstance(token, _Item):
                if not stack:
                    self._block(None)
                indent = self._place(stack, token)
                self.out.append(" " * indent + f"{token.marker} " + self._content(token))
            elif stack and not after_blank and token.col > stack[-1].col:
                # A line indented under a bullet continues it, on a line of its own.
                self.out[-1] += "  "
                self.out.append(" " * stack[-1].content + self._content(token))
            else:
                stack.clear()
                self._block(self._content(token))
            after_blank = False
        return "\n".join(self.out), self.remarks

    def _block(self, text: str | None) -> None:
        if self.out and self.out[-1]:
            self.out.append("")
        if text is not None:
            self.out.append(text)

    def _content(self, token: _Item | _Text) -> str:
        found = remark_in(token.text)
        if found:
            handle, body = found[0], escape_inline(found[1])
            self.remarks.append((handle, body, token.line.number))
            return f"[{handle}] {body}"
        return escape_block(token.text)

    def _place(self, stack: list[_Level], item: _Item) -> int:
        ordered = item.marker[0].isdigit()
        sibling = None
        while stack and item.col < stack[-1].col - 1:
            sibling = stack.pop()  # ends at the outermost level left: a sibling of this item
        if stack and item.col <= stack[-1].col + 1:
            sibling = stack.pop()
            indent = sibling.indent
        elif stack:
            indent = stack[-1].content  # a child
            sibling = None
        else:
            indent = 0
        if sibling is not None and sibling.ordered != ordered:
            # `1.` right after `- ` items would be read as their text: a new list needs a gap.
            self.out.append("")
        stack.append(_Level(item.col, indent, indent + len(item.marker) + 1, ordered))
        return indent

    def _heading_levels(self) -> dict[int, int]:
        keys: dict[int, tuple[int, int]] = {}
        tokens = self.tokens
        for index, token in enumerate(tokens):
            before = tokens[index - 1] if index else None
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            if isinstance(token, _Item):
                if (
                    token.marker[0].isdigit()
                    and before is None
                    and after is None
                    and len(token.text) <= _MAX_NUMBERED_HEADING
                    and not token.text.endswith(_SENTENCE_MARKS)
                ):
                    token.text = f"{token.marker} {token.text}"
                    keys[index] = (token.col, 0)
            elif token is not None and index and self._is_label(token, before):
                keys[index] = (token.col, 1)
        ranks = {key: rank for rank, key in enumerate(sorted(set(keys.values())))}
        return {index: min(2 + ranks[key], 6) for index, key in keys.items()}

    @staticmethod
    def _is_label(token: _Text, before: _Item | _Text | None) -> bool:
        text = token.text
        starts_block = (
            before is None
            or (isinstance(before, _Item) and token.col <= before.col)
            or (isinstance(before, _Text) and before.text.endswith(("。", *_SENTENCE_ENDS)))
        )
        return (
            starts_block
            and len(text) <= _MAX_HEADING
            and not any(mark in text for mark in _SENTENCE_MARKS)
            and not text.endswith(_SENTENCE_ENDS)
            and not text.startswith("※")
            and remark_in(text) is None
        )
