"""X (Twitter) posts through the provider's oEmbed endpoint, a plain card otherwise.

x.com pages are built by scripts and say nothing to a fetcher; ``publish.twitter.com/oembed``
answers with the post's text, author and date inside a ``<blockquote>``. Only that text is
kept, as plain text. When the endpoint is unreachable or refuses (a deleted or protected
post), the card still shows who posted, under the post's address.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import quote, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
from apps.links.metadata import DESCRIPTION_MAX, NAME_MAX, TITLE_MAX, Metadata, plain_text, truncate

OEMBED_URL = "https://publish.twitter.com/oembed"
MAX_OEMBED_BYTES = 256 * 1024
_HOSTS = frozenset(
    {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com", "mobile.x.com"}
)
_STATUS = re.compile(r"/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d{1,25})(?:/.*)?")


def x_post(url: str) -> tuple[str, str] | None:
    """(handle, post id) for a post URL on x.com or twitter.com, else None."""
    parts = urlsplit(url)
    match = _STATUS.fullmatch(parts.path) if parts.hostname in _HOSTS else None
    return (match.group(1), match.group(2)) if match else None


def fetch_x_post(handle: str, post_id: str, *, timeout: float = 10.0) -> Metadata:
    url = f"https://x.com/{handle}/status/{post_id}"
    endpoint = getattr(settings, "X_OEMBED_URL", OEMBED_URL)
    try:
        response = safe_http.fetch(
            f"{endpoint}?omit_script=1&dnt=true&url={quote(url, safe='')}",
            max_bytes=MAX_OEMBED_BYTES,
            accept=("application/json",),
            timeout=timeout,
        )
        data = json.loads(response.content)
    except (FetchError, ValueError):
        return _plain(handle, url)
    if not isinstance(data, dict) or not isinstance(data.get("html"), str):
        return _plain(handle, url)
    return post_metadata(handle, url, data)


def post_metadata(handle: str, url: str, data: dict) -> Metadata:
    quote_ = BeautifulSoup(data["html"][:50_000], "html.parser").find("blockquote")
    paragraph = quote_.find("p") if quote_ is not None else None
    text = plain_text(paragraph.get_text(" ") if paragraph is not None else "", DESCRIPTION_MAX)
    links = quote_.find_all("a") if quote_ is not None else []
    posted = _date(links[-1].get_text(" ") if links else "")
    author = plain_text(data.get("author_name"), NAME_MAX) or f"@{handle}"
    if not text:
        return _plain(handle, url)
    return Metadata(
        title=truncate(f"{author}: {text}", TITLE_MAX),
        description=text,
        site_name="X",
        authors=[author],
        published=posted,
        canonical_url=url,
        favicon_url="https://abs.twimg.com/favicons/twitter.3.ico",
        suggested_kind="blog",
        extra={"x_handle": handle, "page_language": _lang(paragraph)},
    )


def _plain(handle: str, url: str) -> Metadata:
    return Metadata(
        title=_("@%(handle)s のポスト") % {"handle": handle},
        site_name="X",
        authors=[f"@{handle}"],
        canonical_url=url,
        suggested_kind="blog",
        extra={"x_handle": handle},
    )


def _date(text: str) -> str:
    """ "December 1, 2024" (the oEmbed's link text) → "2024-12-01"."""
    try:
        return datetime.strptime(text.strip(), "%B %d, %Y").date().isoformat()  # noqa: DTZ007
    except ValueError:
        return ""


def _lang(paragraph: object) -> str:
    value = getattr(paragraph, "get", lambda _key: "")("lang")
    return value if isinstance(value, str) and re.fullmatch(r"[a-z]{2,3}", value) else ""
