"""What a resolver learned about a link, and the helpers that keep it plain, short text.

Everything here comes from servers we do not control. The helpers turn it into plain text
(tags dropped, entities decoded, whitespace collapsed, length capped) and absolute http(s)
URLs. Plain text is still untrusted: templates must escape it as usual.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from apps.core.weburls import http_url

TITLE_MAX = 300
DESCRIPTION_MAX = 1_000
ABSTRACT_MAX = 5_000
NAME_MAX = 200  # one author, a site name, a provider
MAX_AUTHORS = 50
DATE_MAX = 40

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_WHITESPACE = re.compile(r"\s+")
# Only something shaped like a real tag is removed: "x < y" stays as is.
_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
# Tags that separate words; any other tag (b, em, a, span) sits inside a sentence.
_BREAKING_TAG = re.compile(
    r"</?(?:br|p|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|pre|hr)\b[^<>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DOI = re.compile(r"10\.\d{4,9}/\S+")

__all__ = ["Metadata", "api_text", "checked_urls", "collapse", "http_url", "names", "plain_text"]


@dataclass
class Metadata:
    title: str = ""
    description: str = ""  # plain text, whitespace-collapsed, capped; never HTML
    site_name: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""  # ISO date or datetime string
    updated: str = ""
    image_url: str = ""  # absolute http(s) URL of the best image
    favicon_url: str = ""
    canonical_url: str = ""
    suggested_kind: str = "blog"  # "paper" | "blog" | "oss"
    extra: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable, per kind
    thumbnail: bytes | None = field(default=None, repr=False)  # rendered image (PDF page 1)


def collapse(value: object) -> str:
    """One line of text: controls removed, any run of whitespace made one space."""
    if not isinstance(value, str):
        return ""
    return _WHITESPACE.sub(" ", _CONTROL.sub("", value)).strip()


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def api_text(value: object, limit: int) -> str:
    """Text an API documents as plain text (GitHub, PyPI, arXiv): kept verbatim, one line,
    capped. "Vec<T>" in a description is not markup, so nothing is stripped."""
    return truncate(collapse(value), limit)


def plain_text(value: object, limit: int) -> str:
    """Untrusted text (maybe with tags or entities) as one capped line of plain text."""
    if not isinstance(value, str):
        return ""
    # Entities first, so escaped markup ("&lt;b&gt;") is removed like markup. This also
    # undoes the double escaping many pages do in attributes ("&amp;amp;").
    text = html.unescape(value)
    if "<" in text:
        text = _TAG.sub("", _BREAKING_TAG.sub(" ", _INVISIBLE.sub(" ", text)))
    return truncate(collapse(text), limit)


def names(values: object) -> list[str]:
    """A clean, de-duplicated list of person or organisation names."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return []
    result: list[str] = []
    for value in values:
        name = plain_text(value, NAME_MAX)
        if name and name not in result:
            result.append(name)
    return result[:MAX_AUTHORS]


def iso_date(value: object) -> str:
    """An ISO 8601 date or datetime as given, or "" when it is something else."""
    text = collapse(value)[:DATE_MAX]
    if not _ISO_DATE.match(text):
        return ""
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            return ""
    return text


# Keys of `extra` that hold a URL: the card and the paper page put them in href or src.
_URL_KEY = re.compile(r"(^|_)(url|href|homepage|link|avatar|image|src)s?$")


def checked_urls(extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` with every URL-valued entry kept only if it is http(s), at any depth.

    Resolvers already check the URLs they read; this is the second look, at the one place
    metadata is stored, so that a resolver added later cannot forget it.
    """
    return {key: _checked(key, value) for key, value in extra.items()}


def _checked(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return checked_urls(value)
    if isinstance(value, list):
        return [_checked(key, item) for item in value]
    if isinstance(value, str) and _URL_KEY.search(key.lower()):
        return http_url(value)
    if isinstance(value, str) and key == "doi":
        return value if _DOI.fullmatch(value) else ""
    return value
