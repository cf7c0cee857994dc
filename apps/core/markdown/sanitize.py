"""The one bleach allowlist, and the cleaner that applies it to rendered Markdown.

Disallowed tags are escaped (shown, not run), disallowed attributes and URL schemes dropped,
comments stripped; bare ``http(s)://`` URLs are linkified and every ``<a>`` gets
``rel="nofollow noopener noreferrer"``. This is the only module that imports bleach.
"""

from __future__ import annotations

import html
import re
from functools import partial
from typing import TYPE_CHECKING, Any

import bleach
from bleach import html5lib_shim
from bleach.linkifier import LinkifyFilter

if TYPE_CHECKING:
    from collections.abc import Iterator, MutableMapping

    # bleach runs its own vendored copy of html5lib and re-exports the pieces it uses from
    # html5lib_shim; its type stubs describe them through the stand-alone html5lib stubs instead
    # (that package is not installed), so the type checker takes the same classes from there.
    from html5lib.filters.base import Filter
    from html5lib.treewalkers.base import NonRecursiveTreeWalker

    _TokenFilter = Filter[dict[str, Any]]
    # The class getTreeWalker("etree") returns is built at runtime on this base.
    _EtreeWalker = NonRecursiveTreeWalker
else:
    _TokenFilter = html5lib_shim.Filter
    _EtreeWalker = html5lib_shim.getTreeWalker("etree")

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

# The only class a span or div may carry: the math wrapper's (math.py writes it).
MATH_CLASS = "math"

_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_ID_RE = re.compile(rf"{re.escape(HEADING_ID_PREFIX)}[\w-]*")
_LANGUAGE_CLASS_RE = re.compile(r"language-[\w+#.-]{1,40}")
_ABSOLUTE_HTTP_RE = re.compile(r"https?://[^\s]", re.IGNORECASE)
_ALIGN_VALUES = frozenset({"left", "center", "right"})


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Attribute allowlist.

    URL values are additionally checked against ALLOWED_PROTOCOLS by bleach.
    """
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
        return name == "class" and value == MATH_CLASS
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
# U+E002 is `&amp;` while the sanitizer runs (render.py hides entities from html5lib).
_URL_BODY = r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%\ue002]"
_URL_END = r"[A-Za-z0-9\-_~/#$&*+=%)\ue002]"
_BARE_URL_RE = re.compile(rf"https?://{_URL_BODY}*{_URL_END}", re.IGNORECASE)

_CONTROL_AND_SPACE_RE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def _href_is_safe(href: str) -> bool:
    """Second, independent scheme check (bleach already checked once).

    Safe means http(s), mailto or relative.
    """
    normalized = _CONTROL_AND_SPACE_RE.sub("", html.unescape(href))
    match = _SCHEME_RE.match(normalized)
    return match is None or match.group(1).lower() in ALLOWED_PROTOCOLS


def _linkify_callback(
    attrs: MutableMapping[tuple[str | None, str], str], new: bool = False
) -> MutableMapping[tuple[str | None, str], str] | None:
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


class _LinkRelFilter(_TokenFilter):
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


def new_cleaner() -> bleach.Cleaner:
    # A Cleaner holds parser state and is not thread-safe: render.py keeps one per thread.
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
                # The stubs' callback type must return the attributes, but bleach documents
                # returning None as "drop this link", which is what this callback is for.
                callbacks=[_linkify_callback],  # type: ignore[list-item]
                skip_tags={"pre", "code"},
                parse_email=False,
                url_re=_BARE_URL_RE,
            ),
            _LinkRelFilter,
        ],
    )
    # bleach stores the walker class and calls it on each parsed tree; the stubs annotate the
    # attribute as a walker instance.
    cleaner.walker = _LinearTreeWalker  # type: ignore[assignment]
    return cleaner
