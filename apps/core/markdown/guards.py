"""Input shapes that make the parsers slow are defused before (or while) python-markdown sees them.

We render inside the save request, so a pasted text must never take seconds: `<` runs that
open no tag, raw HTML nested too deep, one line opening many containers (`- - - … x`,
`> > …`), tables with too many rows, documents with too many block elements and paragraphs
whose inline markup would cost more than a budget are turned into text the reader sees
unchanged. The caps are in ``limits``.
"""

from __future__ import annotations

import bisect
import html
import re
import xml.etree.ElementTree as etree

from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .limits import (
    HEADING_COST,
    MAX_BLOCK_ELEMENTS,
    MAX_LINE_CONTAINERS,
    MAX_LINES,
    MAX_TABLE_ROWS,
)

# A `<` is hidden from python-markdown as this placeholder (a Unicode noncharacter, removed from
# the input) and comes back as `&lt;` after rendering: the reader sees the same `<`.
LT_PLACEHOLDER = "\ufdd0"
# A `<` whose next `>` is further away than this cannot open a real tag.
_MAX_TAG_LENGTH = 1000
# Raw HTML nested deeper than this (estimated) is shown as text: no note needs it, and html5lib
# slows down with depth (2 000 nested `<ul><li>` took seconds).
_MAX_RAW_HTML_DEPTH = 32

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# One container a line opens: a quote `>` or a list marker followed by a space. python-markdown
# parses the rest of the line once more per container, recursively: 75,000 of `- ` on one
# line took seconds and ended in a RecursionError.
_CONTAINER_RE = re.compile(r"[ \t]*(?:>|(?:[-*+•]|\d{1,9}[.)])(?=[ \t]|$))")
_HR_RE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")
# A table's delimiter row (`|---|:--:|`); the line above it is the header.
_TABLE_DELIMITER_RE = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
# Elements that never nest in practice: void, or closed implicitly by their next sibling.
_FLAT_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
        "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option",
        "optgroup", "rt", "rp",
    }
)  # fmt: skip


class InputGuardPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        lines = self._cap_lines(_cap_table_rows([_cap_containers(line) for line in lines]))
        text = "\n".join(lines)
        if "<" not in text:
            return lines
        # CPython's html.parser (python-markdown's raw-HTML finder) rescans to the next `>` for
        # every `<letter`: 50 KB of notes with "i<j" and no `>` took ~20 s.
        tag_ends = [m.start() for m in re.finditer(">", text)]
        comment_ends = [m.start() for m in re.finditer("-->", text)]
        hidden: list[int] = []
        depth = max_depth = 0
        for m in re.finditer("<", text):
            start = m.start()
            # A comment ends at `-->`, not at the first `>` inside it.
            ends = comment_ends if text.startswith("<!--", start) else tag_ends
            k = bisect.bisect_left(ends, start)
            if k == len(ends) or ends[k] - start > _MAX_TAG_LENGTH:
                hidden.append(start)
                continue
            tag = _TAG_RE.match(text, start)
            if tag and tag.group(2).lower() not in _FLAT_ELEMENTS:
                depth = max(0, depth - 1) if tag.group(1) else depth + 1
                max_depth = max(max_depth, depth)
        if max_depth > _MAX_RAW_HTML_DEPTH:
            return text.replace("<", LT_PLACEHOLDER).split("\n")
        if not hidden:
            return lines
        pieces: list[str] = []
        done = 0
        for start in hidden:
            pieces += [text[done:start], LT_PLACEHOLDER]
            done = start + 1
        pieces.append(text[done:])
        return "".join(pieces).split("\n")

    def _cap_lines(self, lines: list[str]) -> list[str]:
        """Past MAX_LINES written lines, the rest is one preformatted text, as written.

        python-markdown's block parser costs per line and per block (and pops blocks off the
        front of a list), so 33,000 one-letter paragraphs took over a second on their own.
        """
        written = 0
        cut = len(lines)
        for number, line in enumerate(lines):
            if line.strip():
                written += 1
                if written > MAX_LINES:
                    cut = number
                    break
        if cut == len(lines):
            return lines
        stash = self.md.htmlStash.rawHtmlBlocks
        rest = _STASH_RE.sub(lambda m: _stash_text(stash, int(m.group(1))), "\n".join(lines[cut:]))
        escaped = html.escape(rest, quote=False)
        return [*lines[:cut], "", self.md.htmlStash.store(f"<pre>{escaped}</pre>"), ""]


def _cap_containers(line: str) -> str:
    """Keep the first containers of a line; the rest of it is shown as the text it is."""
    if len(line) < 2 * MAX_LINE_CONTAINERS or _HR_RE.match(line):
        return line
    end = start = 0
    for _count in range(MAX_LINE_CONTAINERS + 1):
        found = _CONTAINER_RE.match(line, end)
        if found is None:
            return line
        start, end = found.start(), found.end()
    # `end` is past one container too many: escape its marker so that it stays text.
    marker = line[start:end].lstrip(" \t")
    head = line[: end - len(marker)]
    if marker[0].isdigit():
        marker = marker[:-1] + "\\" + marker[-1]  # `1.` → `1\.`
    elif marker != "•":  # `•` is not Markdown: text already once it is not the first marker
        marker = "\\" + marker
    return head + marker + line[end:]


def _cap_table_rows(lines: list[str]) -> list[str]:
    """End each table after MAX_TABLE_ROWS rows: the rows after it are a plain paragraph."""
    out: list[str] = []
    rows = -1  # rows of the table being read; -1 = not in a table
    for number, line in enumerate(lines):
        if rows >= 0:
            if not line.strip():
                rows = -1
            elif rows == MAX_TABLE_ROWS:
                out.append("")  # a paragraph of the remaining rows, as written
                rows = -1
            else:
                rows += 1
        elif (
            "|" in line
            and "-" in line
            and number > 0
            and "|" in lines[number - 1]
            and _TABLE_DELIMITER_RE.match(line)
        ):
            rows = 0
        out.append(line)
    return out


class LessThanPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return text.replace(LT_PLACEHOLDER, "&lt;")


# python-markdown's inline parser is quadratic on some inputs: a few KB of `[[[…`, `![a](![a](…`
# or `<a <a …` in one paragraph takes minutes (upstream: "won't fix", Python-Markdown#798), and we
# render inside the save request. The cost of a text is about (markup characters × its length);
# a text over budget is shown as plain text instead of being parsed. Ordinary notes use well
# under 1% of these budgets.
_INLINE_MARKUP_CHARS = "[]()!<`$\\&*_"
_TEXT_BUDGET = 2_000_000
_DOCUMENT_BUDGET = 8_000_000


def _inline_cost(text: str) -> int:
    return sum(map(text.count, _INLINE_MARKUP_CHARS)) * len(text)


class InlineBudgetTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        spent = 0

        def affordable(text: str) -> bool:
            nonlocal spent
            cost = _inline_cost(text)
            if cost > _TEXT_BUDGET or spent + cost > _DOCUMENT_BUDGET:
                return False
            spent += cost
            return True

        if root.text and not isinstance(root.text, AtomicString) and not affordable(root.text):
            root.text = AtomicString(root.text)
        for parent in list(root.iter()):
            children = list(parent)
            rebuilt: list[etree.Element] = []
            for child in children:
                text = child.text
                if text and not isinstance(text, AtomicString) and not affordable(text):
                    child.text = AtomicString(text)
                rebuilt.append(child)
                if child.tail and child.tail.strip() and not affordable(child.tail):
                    # Tails are always inline-processed, so move the text into a plain <span>.
                    span = etree.Element("span")
                    span.text, child.tail = AtomicString(child.tail), None
                    rebuilt.append(span)
            if len(rebuilt) != len(children):
                parent[:] = rebuilt


# Where the rest of a document over the element budget goes: an element its parent may hold.
_PLAIN_CHILD = {"ul": "li", "ol": "li", "tr": "td", "thead": "tr", "tbody": "tr", "table": "tbody"}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_STASH_RE = re.compile(r"\x02wzxhzdk:(\d+)\x03")  # markdown.util.HTML_PLACEHOLDER
_HTML_TAG_RE = re.compile(r"<[^>]*>")


class BlockBudgetTreeprocessor(Treeprocessor):
    """Past MAX_BLOCK_ELEMENTS block elements, the rest of the document is one plain text.

    Sanitizing costs about 10–25 µs per element, so a bound on elements is a bound on time
    whatever the shape (50,000 one-word list items, headings or table cells); a heading counts
    as HEADING_COST elements (its anchor and TOC entry cost that much again). Raw HTML and
    fenced code blocks (stashed away as placeholders by now) count by their tags. The text
    stays readable and in order; only its structure is dropped.
    """

    def run(self, root: etree.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        count = 0
        # (parent, index of the next child to visit); the top of the stack is the deepest.
        stack: list[tuple[etree.Element, int]] = [(root, 0)]
        while stack:
            parent, index = stack.pop()
            if index >= len(parent):
                continue
            child = parent[index]
            count += HEADING_COST if child.tag in _HEADINGS else 1
            for text in (child.text, child.tail):
                if text and "\x02" in text:
                    for found in _STASH_RE.finditer(text):
                        count += _stash_cost(stash, int(found.group(1)))
            if count > MAX_BLOCK_ELEMENTS:
                _flatten_from(parent, index, stash)
                for ancestor, next_index in reversed(stack):
                    _flatten_from(ancestor, next_index, stash)
                return
            stack.append((parent, index + 1))
            stack.append((child, 0))


def _stash_cost(stash: list[str | etree.Element], index: int) -> int:
    block = stash[index] if index < len(stash) else ""
    return str(block).count("<") // 2


def _flatten_from(parent: etree.Element, index: int, stash: list[str | etree.Element]) -> None:
    rest = list(parent)[index:]
    if not rest:
        return
    # Inline markup is not parsed yet, so each text piece is one block's or one line's text.
    pieces = (piece for element in rest for piece in (*element.itertext(), element.tail or ""))
    text = "\n".join(stripped for piece in pieces if (stripped := piece.strip()))
    if "\x02" in text:
        # Stashed HTML and code would come back as markup: shown as their text instead.
        text = _STASH_RE.sub(lambda m: _stash_text(stash, int(m.group(1))), text)
    del parent[index:]
    holder = parent
    tag = parent.tag if isinstance(parent.tag, str) else ""
    while tag in _PLAIN_CHILD:
        tag = _PLAIN_CHILD[tag]
        holder = etree.SubElement(holder, tag)
    holder = etree.SubElement(holder, "pre")
    holder.text = AtomicString(text)


def _stash_text(stash: list[str | etree.Element], index: int) -> str:
    block = stash[index] if index < len(stash) else ""
    if isinstance(block, etree.Element):
        return "".join(block.itertext())
    return html.unescape(_HTML_TAG_RE.sub("", block))
