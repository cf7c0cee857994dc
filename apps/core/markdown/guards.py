"""Input shapes that make the parsers slow are defused before (or while) python-markdown sees them.

We render inside the save request, so a pasted text must never take seconds: `<` runs that
open no tag, raw HTML and `>` quotes nested too deep, and paragraphs whose inline markup would
cost more than a budget are turned into text the reader sees unchanged.
"""

from __future__ import annotations

import bisect
import re
import xml.etree.ElementTree as etree

from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# A `<` is hidden from python-markdown as this placeholder (a Unicode noncharacter, removed from
# the input) and comes back as `&lt;` after rendering: the reader sees the same `<`.
LT_PLACEHOLDER = "\ufdd0"
# A `<` whose next `>` is further away than this cannot open a real tag.
_MAX_TAG_LENGTH = 1000
# Raw HTML nested deeper than this (estimated) is shown as text: no note needs it, and html5lib
# slows down with depth (2 000 nested `<ul><li>` took seconds).
_MAX_RAW_HTML_DEPTH = 32
# `> > > …`: python-markdown re-parses the block once per level.
_MAX_QUOTE_DEPTH = 16

_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_QUOTE_PREFIX_RE = re.compile(r"^(?: {0,3}>)+")
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
        lines = [self._cap_quote_depth(line) for line in lines]
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

    @staticmethod
    def _cap_quote_depth(line: str) -> str:
        prefix = _QUOTE_PREFIX_RE.match(line)
        if not prefix or prefix.group(0).count(">") <= _MAX_QUOTE_DEPTH:
            return line
        return "> " * _MAX_QUOTE_DEPTH + line[prefix.end() :].lstrip(" ")


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
