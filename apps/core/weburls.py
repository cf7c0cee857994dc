"""URLs from outside (fetched pages, APIs, imported files) made safe to put in an href or src.

Only http and https leave the site: `javascript:`, `data:`, `vbscript:`, `file:` and their
disguises (entities, control characters, upper case, leading spaces) are refused, because a
browser runs what such a link says when it is clicked.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

URL_MAX = 2_000
# What the URL standard makes a browser drop before reading the scheme: tabs and newlines
# anywhere, C0 controls and spaces at either end. Zero-width characters are dropped too.
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r\u200b\ufeff]")
_EDGES = "".join(chr(c) for c in range(0x21))


def browser_view(value: str) -> str:
    """The URL as a browser reads it from an attribute: "java\tscript:" is javascript:."""
    return _TAB_OR_NEWLINE.sub("", value).strip(_EDGES)


def http_url(value: object, base: str = "") -> str:
    """``value`` made absolute against ``base``; "" unless the result is an http(s) URL with
    a host. A relative path is resolved, so it comes out http(s) when ``base`` is."""
    if not isinstance(value, str):
        return ""
    value = browser_view(value)
    if not value or len(value) > URL_MAX:
        return ""
    if base and not http_url(base):
        return ""
    try:
        url = urljoin(base, value) if base else value
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > URL_MAX:
        return ""
    if "\\" in parts.netloc:  # "http:\\evil" is read differently by browsers
        return ""
    return url


def href(value: object) -> str:
    """A link target for a template: an http(s) URL, or a path on this site ("/…", not
    "//host", which is another site). Anything else becomes "" (no link)."""
    if not isinstance(value, str):
        return ""
    seen = browser_view(value)
    if seen.startswith("/") and not seen.startswith(("//", "/\\")):
        return seen
    return http_url(seen)


PLACEHOLDER_MAX = 48


def url_placeholder(url: str, limit: int = PLACEHOLDER_MAX) -> str:
    """What stands in for a title a source has not given (yet): host and path, shortened in
    the middle, e.g. "example.com/blog/…/attention" — never the raw URL with its query."""
    try:
        parts = urlsplit(browser_view(url or ""))
    except ValueError:
        return (url or "")[:limit]
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return (url or "")[:limit]
    segments = [s for s in parts.path.split("/") if s]
    text = "/".join([host, *segments])
    if len(text) <= limit:
        return text
    # Keep the host and the last segment (usually the most telling), drop the middle.
    last = segments[-1] if segments else ""
    if len(last) > limit // 2:
        last = last[: limit // 2 - 1] + "…"
    head = "/".join([host, *segments[:1]]) if len(segments) > 1 else host
    short = f"{head}/…/{last}" if len(segments) > 1 else f"{host}/{last}"
    if len(short) > limit:
        short = f"{host}/…/{last}"
    return short[: limit + 1]
