"""Markdown → sanitized HTML: the only place in the app that produces trusted HTML.

The result is stored beside the source at save time and shown with ``|safe``, so everything
that leaves :func:`render_markdown` has been through the one bleach allowlist below.

Pipeline:

1. python-markdown with tables, fenced_code, sane_lists, toc and one local extension that
   keeps ``$…$``/``$$…$$`` math away from emphasis, nests 2-space lists, and defuses input
   shapes on which python-markdown or html5lib go quadratic (we render inside the request).
2. bleach ``Cleaner`` with the allowlist: disallowed tags are escaped (shown, not run),
   disallowed attributes and URL schemes dropped, comments stripped.
3. Bare ``http(s)://`` URLs linkified; every ``<a>`` gets ``rel="nofollow noopener noreferrer"``.

Each call builds its own Markdown and Cleaner instances (neither is thread-safe).
"""

from __future__ import annotations

import bisect
import html
import logging
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import bleach
import markdown
from bleach import html5lib_shim
from bleach.linkifier import LinkifyFilter
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

if TYPE_CHECKING:
    from collections.abc import Iterator

    # bleach runs its own copy of html5lib; the stubs know these classes by html5lib's names.
    from html5lib.filters.base import Filter as _Filter
    from html5lib.treewalkers.base import NonRecursiveTreeWalker as _EtreeWalker
else:
    _Filter = html5lib_shim.Filter
    _EtreeWalker = html5lib_shim.getTreeWalker("etree")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str = ""


# --------------------------------------------------------------------------------------------
# The allowlist. One place; every rule here is a decision about what users may publish.
# --------------------------------------------------------------------------------------------

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li",
        "blockquote", "pre", "code", "kbd",
        "em", "strong", "del", "sup", "sub",
        "a", "img",
        "table", "thead", "tbody", "tr", "th", "td",
        "span", "div",
        "details", "summary",
    }
)  # fmt: skip

# Only these schemes survive in href/src; relative URLs and #fragments stay allowed.
ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})

# Every link is user-supplied: no ranking credit, no window.opener, no referrer leak.
LINK_REL = "nofollow noopener noreferrer"

# Heading ids get a prefix so `# forms` cannot clobber `document.forms` and friends.
HEADING_ID_PREFIX = "h-"

_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_ID_RE = re.compile(rf"{re.escape(HEADING_ID_PREFIX)}[\w-]*")
_LANGUAGE_CLASS_RE = re.compile(r"language-[\w+#.-]{1,40}")
_ABSOLUTE_HTTP_RE = re.compile(r"https?://[^\s]", re.IGNORECASE)
_MATH_CLASS = "math"
_ALIGN_VALUES = frozenset({"left", "center", "right"})


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Attribute allowlist. URL values are additionally checked against ALLOWED_PROTOCOLS by
    bleach."""
    if tag == "a":
        # rel is overwritten by _LinkRelFilter anyway; allowing it keeps that filter simple.
        return name in {"href", "title", "rel"}
    if tag == "img":
        if name == "src":
            # Absolute http(s) only: a relative src would make every reader's browser send a
            # request to *our* site with their cookies.
            return bool(_ABSOLUTE_HTTP_RE.match(value.strip()))
        return name in {"alt", "title"}
    if tag in _HEADING_TAGS:
        # Only ids we generate (prefixed); raw `<h2 id="location">` loses its id.
        return name == "id" and bool(_HEADING_ID_RE.fullmatch(value))
    if tag in {"th", "td"}:
        return name == "align" and value in _ALIGN_VALUES
    if tag == "ol":
        return name == "start" and value.isascii() and value.isdigit() and len(value) <= 9
    if tag in {"span", "div"}:
        # Classes are only for the math wrapper: user classes could restyle/overlay site UI.
        return name == "class" and value == _MATH_CLASS
    if tag == "code":
        # Keeps the fenced-code language label (harmless, useful for highlighting later).
        return name == "class" and bool(_LANGUAGE_CLASS_RE.fullmatch(value))
    if tag == "details":
        return name == "open"
    return False


# --------------------------------------------------------------------------------------------
# Linkify and link attributes (bleach/html5lib filters, run after sanitizing).
# --------------------------------------------------------------------------------------------

# Bare URLs need an explicit scheme (bleach's default would turn `train.py` or `README.md` into
# links: .py and .md are TLDs). Only ASCII URL characters are taken, so Japanese text directly
# after a URL (`…/aを参照`) is not swallowed; browsers copy non-ASCII paths percent-encoded, and
# `<https://…>` still autolinks an IRI. The last character may not be sentence punctuation.
_URL_BODY = r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]"
_URL_END = r"[A-Za-z0-9\-_~/#$&*+=%)]"
_BARE_URL_RE = re.compile(rf"https?://{_URL_BODY}*{_URL_END}", re.IGNORECASE)

_CONTROL_AND_SPACE_RE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def _href_is_safe(href: str) -> bool:
    """Second, independent scheme check (bleach already checked once): http(s)/mailto or
    relative."""
    normalized = _CONTROL_AND_SPACE_RE.sub("", html.unescape(href))
    match = _SCHEME_RE.match(normalized)
    return match is None or match.group(1).lower() in ALLOWED_PROTOCOLS


def _linkify_callback(attrs: dict[Any, str], new: bool = False) -> dict[Any, str] | None:
    """Drop a link (keeping its text) when it has no usable href."""
    href = attrs.get((None, "href"))
    if not href or not _href_is_safe(href):
        return None
    return attrs


class _Linkify(LinkifyFilter):
    def strip_non_url_bits(self, fragment: str) -> tuple[str, str, str]:
        # bleach keeps `)` once the URL contains any `(`: "(see …/Foo_(bar))" would link the
        # closing paren of the sentence. Trim trailing `)` until the parens balance.
        fragment, prefix, suffix = super().strip_non_url_bits(fragment)
        while fragment.endswith(")") and fragment.count(")") > fragment.count("("):
            fragment, suffix = fragment[:-1], ")" + suffix
        while fragment and fragment[-1] in ".,;:!?'":
            fragment, suffix = fragment[:-1], fragment[-1] + suffix
        return fragment, prefix, suffix


class _LinkRelFilter(_Filter):
    """Force rel on every <a>, including ones linkify skips (inside pre/code)."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                token["data"] = {**(token.get("data") or {}), (None, "rel"): LINK_REL}
            yield token


class _LinearTreeWalker(_EtreeWalker):
    """html5lib's etree walker, minus its quadratic step.

    On every climb back to a parent it finds the parent's position with ``list(...).index()``,
    so a table or list with many rows costs O(rows²) (20 000 rows: over a minute). Here the
    positions are remembered on the way down instead. Node tuples are the base class's:
    (element, index in parent, shared stack of ancestors, "text" | "tail" | None).
    """

    def __init__(self, tree: Any) -> None:
        super().__init__(tree)
        self._indexes: list[int | None] = []  # parallel to the shared ancestors stack

    def getFirstChild(self, node: Any) -> Any:
        if isinstance(node, tuple):
            element, key, parents, flag = node
        else:
            element, key, parents, flag = node, None, [], None
        if flag in ("text", "tail"):
            return None
        if element.text:
            return element, key, parents, "text"
        if len(element):
            parents.append(element)
            self._indexes.append(key)
            return element[0], 0, parents, None
        return None

    def getNextSibling(self, node: Any) -> Any:
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            if len(element):
                parents.append(element)
                self._indexes.append(key)
                return element[0], 0, parents, None
            return None
        if element.tail and flag != "tail":
            return element, key, parents, "tail"
        if key < len(parents[-1]) - 1:
            return parents[-1][key + 1], key + 1, parents, None
        return None

    def getParentNode(self, node: Any) -> Any:
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            return (element, key, parents, None) if parents else element
        parent = parents.pop()
        index = self._indexes.pop()
        return (parent, index, parents, None) if parents else parent


def _cleaner() -> bleach.Cleaner:
    # A Cleaner holds parser state and is not thread-safe; rendering happens only at save time,
    # so a fresh one per call is cheap enough and never shared between threads.
    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allow_attribute,
        protocols=ALLOWED_PROTOCOLS,
        # Escape rather than strip: a member who writes `<script>` in a note about XSS sees it.
        strip=False,
        strip_comments=True,
        filters=[
            partial(
                _Linkify,
                # bleach drops a link whose callback returns None; the stubs miss that case.
                callbacks=[_linkify_callback],  # type: ignore[list-item]
                skip_tags={"pre", "code"},
                parse_email=False,
                url_re=_BARE_URL_RE,
            ),
            _LinkRelFilter,
        ],
    )
    # bleach keeps the walker class and builds one per call; the stubs type an instance.
    cleaner.walker = _LinearTreeWalker  # type: ignore[assignment]
    return cleaner


# --------------------------------------------------------------------------------------------
# Math: keep TeX out of Markdown's hands.
# --------------------------------------------------------------------------------------------

# Pandoc's rules for inline `$`: no space just inside the delimiters and no digit right after the
# closing one, so "$5 and $10" stays money. `\$` is a literal dollar.
_INLINE_MATH_RE = (
    r"(?<![\\$])\$\$(?!\$)(?:\\.|[^\\$])+?\$\$(?!\$)"
    r"|(?<![\\$])\$(?![\s$])(?:\\.|[^\\$])+?(?<!\s)\$(?![$\d])"
)


def _math_html(tag: str, tex: str) -> str:
    return f'<{tag} class="{_MATH_CLASS}">{html.escape(tex, quote=False)}</{tag}>'


class _InlineMathProcessor(InlineProcessor):
    """`$…$` / one-line `$$…$$` inside text → stashed `<span class="math">`, delimiters kept."""

    # InlineProcessor changes Pattern.handleMatch's signature; the stubs accept that only on
    # InlineProcessor itself, so every subclass repeats their ignore.
    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str | None, int | None, int | None]:
        tex = m.group(0)
        if "\x02" in tex or "\x03" in tex:
            # Spans another stashed construct (e.g. a code span): leave it to Markdown.
            return None, None, None
        return self.md.htmlStash.store(_math_html("span", tex)), m.start(0), m.end(0)


class _BlockMathPreprocessor(Preprocessor):
    """`$$` … `$$` on their own lines → stashed `<div class="math">`, kept verbatim."""

    def run(self, lines: list[str]) -> list[str]:
        # next_stop[j]: first line at or after j that closes a block ($$ at its end) or is a
        # stashed fenced code block (never swallowed). Precomputed so that many unclosed `$$`
        # lines cost O(n), not O(n²).
        next_stop: list[int | None] = [None] * (len(lines) + 1)
        for j in range(len(lines) - 1, -1, -1):
            stops = "\x02" in lines[j] or lines[j].rstrip().endswith("$$")
            next_stop[j] = j if stops else next_stop[j + 1]

        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            end = self._block_end(lines, i, next_stop[i + 1])
            if end is None:
                out.append(line)
                i += 1
                continue
            indent = line[: len(line) - len(line.lstrip(" "))]
            tex = "\n".join(raw.strip() for raw in lines[i : end + 1])
            # Blank lines around it: a <div> must not end up inside a <p>.
            out.extend(["", indent + self.md.htmlStash.store(_math_html("div", tex)), ""])
            i = end + 1
        return out

    @staticmethod
    def _block_end(lines: list[str], start: int, next_stop: int | None) -> int | None:
        first = lines[start].strip()
        if not first.startswith("$$"):
            return None
        if len(first) > 4 and first.endswith("$$"):
            # One line `$$…$$`; `$$a$$ and $$b$$` is two inline spans, not a block.
            return start if "$$" not in first[2:-2] else None
        if next_stop is None or "\x02" in lines[next_stop]:
            return None
        return next_stop


# --------------------------------------------------------------------------------------------
# Input shapes that make the parsers slow are defused before python-markdown sees them.
# --------------------------------------------------------------------------------------------

# A `<` is hidden from python-markdown as this placeholder (a Unicode noncharacter, removed from
# the input) and comes back as `&lt;` after rendering: the reader sees the same `<`.
_LT_PLACEHOLDER = "\ufdd0"
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


class _InputGuardPreprocessor(Preprocessor):
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
            return text.replace("<", _LT_PLACEHOLDER).split("\n")
        if not hidden:
            return lines
        pieces: list[str] = []
        done = 0
        for start in hidden:
            pieces += [text[done:start], _LT_PLACEHOLDER]
            done = start + 1
        pieces.append(text[done:])
        return "".join(pieces).split("\n")

    @staticmethod
    def _cap_quote_depth(line: str) -> str:
        prefix = _QUOTE_PREFIX_RE.match(line)
        if not prefix or prefix.group(0).count(">") <= _MAX_QUOTE_DEPTH:
            return line
        return "> " * _MAX_QUOTE_DEPTH + line[prefix.end() :].lstrip(" ")


class _LessThanPostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return text.replace(_LT_PLACEHOLDER, "&lt;")


# --------------------------------------------------------------------------------------------
# Lists: members paste notes nested by 2 spaces; python-markdown nests by 4 only.
# --------------------------------------------------------------------------------------------

_LIST_ITEM_RE = re.compile(r"^( *)([-*+•]|\d{1,9}\.)( +)(\S.*)$")
_HR_RE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")
_ATX_HEADING_RE = re.compile(r"^ {0,3}#{1,6}(?: |$)")
_INDENT = " " * 4
# Deeper nesting adds nothing readable and python-markdown recurses per level.
_MAX_LIST_DEPTH = 12


class _ListIndentPreprocessor(Preprocessor):
    """Rewrite list indentation to python-markdown's 4 spaces per level.

    The nesting level of an item is found from the indentation of the items above it (a stack),
    not from a fixed width, so 2-space, 4-space and mixed notes all nest the way they look.
    A child is anything indented at least 2 columns more than its parent's marker. Continuation
    lines are moved with the item they belong to. The old notes page's `•` bullet counts as `-`,
    and a bullet list (or one starting at `1.`) may start right after a paragraph line, as in
    CommonMark, instead of being glued onto the paragraph.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        stack: list[int] = []  # marker column of each open nesting level; empty = not in a list
        level = 0  # level that continuation lines currently belong to
        content_base = 0  # source column that maps to that level's content column
        prev_blank = True
        # Indentation of the first line after the last blank line. python-markdown hands a whole
        # blank-separated chunk that starts indented to the previous item, so an item that
        # dedents below it needs a blank line of its own or it gets nested too deep.
        chunk_indent = 0
        for line in lines:
            if not line.strip():
                # Lines of only NBSP/ideographic spaces (pasted from web pages) are blank to the
                # reader; python-markdown would keep them as text and break the list apart.
                out.append("")
                prev_blank = True
                continue
            col = len(line) - len(line.lstrip(" "))
            item = None if _HR_RE.match(line) else _LIST_ITEM_RE.match(line)

            if item and not stack:
                interrupts = item.group(2) in {"-", "*", "+", "•", "1."}
                if col >= 4 or not (prev_blank or interrupts):
                    item = None  # indented code, or an ordinary paragraph line like "2024. …"
                else:
                    if not prev_blank:
                        out.append("")
                        prev_blank = True
                    stack = [col]

            if item:
                while len(stack) > 1 and col < stack[-1] - 1:
                    stack.pop()
                if col >= stack[-1] + 2 and len(stack) < _MAX_LIST_DEPTH:
                    stack.append(col)
                level = len(stack) - 1
                indent = len(_INDENT) * level
                if not prev_blank and indent < chunk_indent:
                    out.append("")
                    prev_blank = True
                marker = "-" if item.group(2) == "•" else item.group(2)
                content_base = col + len(item.group(2)) + len(item.group(3))
                new_line = f"{' ' * indent}{marker} {item.group(4)}"
            elif (
                stack
                and not prev_blank
                and not (
                    col <= stack[0] + 1 and (_HR_RE.match(line) or _ATX_HEADING_RE.match(line))
                )
            ):
                # Lazy or indented continuation of the current item's paragraph.
                new_line = self._continuation(line, col, level, content_base)
            elif stack and prev_blank and col >= stack[0] + 2:
                # A new block (paragraph, code) inside the deepest item it is indented under.
                level = max(k for k, marker_col in enumerate(stack) if col >= marker_col + 2)
                content_base = stack[level] + min(col - stack[level], 4)
                new_line = self._continuation(line, col, level, content_base)
            else:
                if stack and not prev_blank:
                    out.append("")  # an `# heading` or `---` right after a list ends it
                stack = []
                new_line = line
            if prev_blank:
                chunk_indent = len(new_line) - len(new_line.lstrip(" "))
            out.append(new_line)
            prev_blank = False
        return out

    @staticmethod
    def _continuation(line: str, col: int, level: int, content_base: int) -> str:
        # Content of a level-n item sits at 4*(n+1); anything indented further keeps its extra
        # indentation (so an indented code block inside an item stays code).
        return _INDENT * (level + 1) + " " * max(0, col - content_base) + line.lstrip(" ")


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


class _InlineBudgetTreeprocessor(Treeprocessor):
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


class _StudyNotesExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After fenced_code (25) so code is already stashed, before raw HTML (20) so HTML written
        # inside math stays text.
        md.preprocessors.register(_BlockMathPreprocessor(md), "study_block_math", 22)
        md.preprocessors.register(_InputGuardPreprocessor(md), "study_input_guard", 21)
        # After raw HTML blocks (20) so a pasted <pre> keeps its indentation.
        md.preprocessors.register(_ListIndentPreprocessor(md), "study_list_indent", 18)
        # Below backticks (190, code spans win) and above escapes (180) and emphasis.
        md.inlinePatterns.register(_InlineMathProcessor(_INLINE_MATH_RE, md), "study_math", 185)
        md.ESCAPED_CHARS.append("$")
        # Before "inline" (20), which it protects.
        md.treeprocessors.register(_InlineBudgetTreeprocessor(md), "study_inline_budget", 25)
        # After raw HTML is restored (30), so placeholders inside it are restored too.
        md.postprocessors.register(_LessThanPostprocessor(md), "study_lt", 5)


# --------------------------------------------------------------------------------------------
# Public entry point.
# --------------------------------------------------------------------------------------------


def _slugify(value: str, separator: str) -> str:
    # Unicode slugs so Japanese headings get readable anchors (`#h-強化学習`).
    return HEADING_ID_PREFIX + slugify_unicode(value, separator)


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "sane_lists",
            "toc",
            _StudyNotesExtension(),
        ],
        extension_configs={
            # `align` attribute instead of style=: the allowlist admits no style at all.
            "tables": {"use_align_attribute": True},
            # The TOC is shown beside the document, so no in-text [TOC] marker.
            "toc": {"slugify": _slugify, "marker": ""},
        },
        output_format="html",
    )


_TOC_LIST_RE = re.compile(r"<ul>.*</ul>", re.DOTALL)


def _fallback_html(source: str) -> str:
    """Plain escaped paragraphs, for input python-markdown cannot handle (e.g. 10k nested `>`)."""
    paragraphs = re.split(r"\n\s*\n", source.strip())
    return "\n".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>\n") + "</p>" for p in paragraphs
    )


# Text with none of these has no Markdown or HTML in it: it renders to plain paragraphs.
_MARKUP_CHARS = frozenset("<>&*_[](){}#!|$\\`~=+-:.\"'\t")
_PLAIN_PARAGRAPH_BREAK = re.compile(r"\n\n+")


def _plain_paragraphs(source: str) -> str | None:
    """The HTML of text without markup (most remarks: `めちゃ速い`), or None when in doubt.

    python-markdown and bleach cost milliseconds per call; this cheap path gives the very
    output they would, and nothing that could be markup ever takes it.
    """
    if _MARKUP_CHARS.intersection(source) or "http" in source or "www" in source:
        return None
    if source != source.strip("\n") or any(line != line.strip() for line in source.split("\n")):
        return None  # indentation and trailing spaces mean something in Markdown
    return "\n".join(f"<p>{p}</p>" for p in _PLAIN_PARAGRAPH_BREAK.split(source))


def render_markdown(source: str | None, *, with_toc: bool = False) -> Rendered:
    """Render user Markdown to sanitized HTML (and optionally a sanitized table of contents)."""
    if not source:
        return Rendered("")
    if not isinstance(source, str):
        source = str(source)
    source = source.replace(_LT_PLACEHOLDER, "")
    if not with_toc:
        plain = _plain_paragraphs(source)
        if plain is not None:
            return Rendered(plain)

    body: str
    toc = ""
    try:
        md = _markdown()
        body = md.convert(source)
        if with_toc and getattr(md, "toc_tokens", None):
            found = _TOC_LIST_RE.search(getattr(md, "toc", ""))
            toc = found.group(0) if found else ""
    except Exception:  # a note must always save; python-markdown can hit recursion limits
        logger.warning("Markdown rendering failed; storing escaped text", exc_info=True)
        body = _fallback_html(source)

    cleaner = _cleaner()
    try:
        return Rendered(html=cleaner.clean(body), toc_html=cleaner.clean(toc) if toc else "")
    except Exception:
        # Sanitizing our own escaped fallback cannot introduce markup, so it is safe as is.
        logger.warning("Sanitizing rendered Markdown failed; storing escaped text", exc_info=True)
        return Rendered(html=_fallback_html(source))
