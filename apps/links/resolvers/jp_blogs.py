"""Japanese tech blogs whose public APIs say more than their pages: Qiita, Zenn, note.

Author, publication date, likes and tags. Each API answer is capped; one too large (a Qiita
item carries its whole Markdown body) or otherwise unusable falls back to the article page's
own tags, so the member still gets a card. はてなブログ and other blogs need nothing of their
own: their OpenGraph and JSON-LD are read by the HTML resolver.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
from apps.links.metadata import (
    DESCRIPTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    Metadata,
    api_text,
    http_url,
    iso_date,
    names,
    plain_text,
)
from apps.links.resolvers.html import fetch_page

# Each site's origin, for its API and for the page fallback (settings override them).
ORIGINS = {"qiita": "https://qiita.com", "zenn": "https://zenn.dev", "note": "https://note.com"}
MAX_API_BYTES = 1024 * 1024
MAX_TAGS = 20

_QIITA = re.compile(r"/[A-Za-z0-9_-]{1,40}/items/([0-9a-f]{20})/?")
_ZENN = re.compile(r"/[A-Za-z0-9_-]{1,40}/articles/([a-z0-9_-]{12,50})/?")
_NOTE = re.compile(r"/[A-Za-z0-9_-]{1,40}/n/(n[0-9a-f]{12})/?")


def jp_blog(url: str) -> tuple[str, str] | None:
    """("qiita" | "zenn" | "note", article id) for an article URL, else None."""
    parts = urlsplit(url)
    host, path = parts.hostname or "", parts.path
    for site, hosts, pattern in (
        ("qiita", ("qiita.com",), _QIITA),
        ("zenn", ("zenn.dev",), _ZENN),
        ("note", ("note.com",), _NOTE),
    ):
        match = pattern.fullmatch(path) if host in hosts else None
        if match:
            return site, match.group(1)
    return None


def fetch_jp_blog(
    site: str, article: str, url: str, *, timeout: float = 10.0, api: bool = True
) -> Metadata:
    """The article's card from the site's API; from its page when ``api`` is False (the
    API's rate limit is used up) or the API's answer cannot be used."""
    if not api:
        metadata = fetch_page(_origin(site) + urlsplit(url).path, timeout=timeout)
        metadata.canonical_url = url
        metadata.extra["api_fallback"] = "rate_limit"
        return metadata
    api_url, parse = _SITES[site]
    try:
        response = safe_http.fetch(
            api_url(article), max_bytes=MAX_API_BYTES, accept=("application/json",), timeout=timeout
        )
        data = json.loads(response.content)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return parse(data, url)
    except FetchError as exc:
        if exc.transient or (exc.reason == "http_error" and exc.status == 404):
            raise  # gone, or worth a retry: the page would say the same
        page_failure: Exception = exc
    except (ValueError, KeyError, TypeError) as exc:
        page_failure = exc
    # Too large, refused or unreadable: the page's own tags still make a card.
    metadata = fetch_page(_origin(site) + urlsplit(url).path, timeout=timeout)
    metadata.canonical_url = url
    metadata.extra["api_fallback"] = type(page_failure).__name__
    return metadata


def _tags(values: object, key: str) -> list[str]:
    if not isinstance(values, list):
        return []
    found = (api_text(v.get(key), 50) if isinstance(v, dict) else "" for v in values[:MAX_TAGS])
    return [tag.lstrip("#") for tag in found if tag.lstrip("#")]


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _blog(**fields: Any) -> Metadata:
    if not fields["title"]:
        raise ValueError("article without a title")
    return Metadata(suggested_kind="blog", **fields)


def qiita_metadata(item: dict[str, Any], url: str) -> Metadata:
    user = item.get("user") if isinstance(item.get("user"), dict) else {}
    user = user or {}
    return _blog(
        title=api_text(item.get("title"), TITLE_MAX),
        # The rendered body is HTML: its first words as plain text.
        description=plain_text(item.get("rendered_body"), DESCRIPTION_MAX),
        site_name="Qiita",
        authors=names(api_text(user.get("name"), NAME_MAX) or api_text(user.get("id"), NAME_MAX)),
        published=iso_date(item.get("created_at")),
        updated=iso_date(item.get("updated_at")),
        image_url="",
        favicon_url="https://qiita.com/favicon.ico",
        canonical_url=http_url(item.get("url")) or url,
        extra={
            "likes": _count(item.get("likes_count")),
            "stocks": _count(item.get("stocks_count")),
            "tags": _tags(item.get("tags"), "name"),
            "author_handle": api_text(user.get("id"), NAME_MAX),
        },
    )


def zenn_metadata(data: dict[str, Any], url: str) -> Metadata:
    article = data["article"]
    user = article.get("user") if isinstance(article.get("user"), dict) else {}
    user = user or {}
    return _blog(
        title=api_text(article.get("title"), TITLE_MAX),
        description="",
        site_name="Zenn",
        authors=names(api_text(user.get("name"), NAME_MAX) or api_text(user.get("username"), 60)),
        published=iso_date(article.get("published_at")),
        updated=iso_date(article.get("body_updated_at")),
        image_url=http_url(article.get("og_image_url")),
        favicon_url="https://zenn.dev/images/logo-transparent.png",
        canonical_url=url,
        extra={
            "likes": _count(article.get("liked_count")),
            "tags": _tags(article.get("topics"), "display_name")
            or _tags(article.get("topics"), "name"),
            "author_handle": api_text(user.get("username"), NAME_MAX),
            "emoji": api_text(article.get("emoji"), 8),
        },
    )


def note_metadata(data: dict[str, Any], url: str) -> Metadata:
    note = data["data"]
    user = note.get("user") if isinstance(note.get("user"), dict) else {}
    user = user or {}
    hashtags = [h.get("hashtag") for h in note.get("hashtag_notes") or [] if isinstance(h, dict)]
    return _blog(
        title=api_text(note.get("name"), TITLE_MAX),
        description=plain_text(note.get("description"), DESCRIPTION_MAX),
        site_name="note",
        authors=names(api_text(user.get("nickname"), NAME_MAX)),
        published=iso_date(note.get("publish_at")),
        image_url=http_url(note.get("eyecatch")),
        favicon_url="https://note.com/favicon.ico",
        canonical_url=url,
        extra={
            "likes": _count(note.get("like_count")),
            "tags": _tags(hashtags, "name"),
            "author_handle": api_text(user.get("urlname"), NAME_MAX),
        },
    )


def _origin(site: str) -> str:
    return str(getattr(settings, f"{site.upper()}_URL", ORIGINS[site])).rstrip("/")


def _qiita_api(item: str) -> str:
    return _origin("qiita") + f"/api/v2/items/{item}"


def _zenn_api(slug: str) -> str:
    return _origin("zenn") + f"/api/articles/{quote(slug)}"


def _note_api(key: str) -> str:
    return _origin("note") + f"/api/v3/notes/{key}"


_SITES: dict[str, tuple[Callable[[str], str], Callable[[dict[str, Any], str], Metadata]]] = {
    "qiita": (_qiita_api, qiita_metadata),
    "zenn": (_zenn_api, zenn_metadata),
    "note": (_note_api, note_metadata),
}
