"""Embedded players for slides and videos: which hosts may be framed, and the frame's address.

The board never stores a provider's embed HTML (an oEmbed ``html`` may carry scripts). It keeps
one ``src`` for a sandboxed ``<iframe>``, and only on a host listed in ``EMBED_HOSTS``: built
from the video or document id where the address is known (YouTube through its
privacy-enhanced host, Vimeo, Google Slides and Docs), else taken from the ``src`` of the
oEmbed answer's iframe (Speaker Deck, SlideShare, Docswell). ``settings.EMBED_HOSTS`` is the
one list, also behind the Content-Security-Policy's ``frame-src``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings

# The list lives in settings, where the Content-Security-Policy's frame-src is built from it.
EMBED_HOSTS: frozenset[str] = frozenset(settings.EMBED_HOSTS)
# What the frame may do: run the provider's player, in its own origin, full screen.
SANDBOX = "allow-scripts allow-same-origin allow-presentation allow-popups"
VIDEO, SLIDES, DOCUMENT = "video", "slides", "document"
# Pages whose player is only known from their oEmbed answer, asked even when the page's own
# tags fill the card (any other page's oEmbed is asked only for what the page lacks).
OEMBED_PLAYER_HOSTS = frozenset(
    {"speakerdeck.com", "www.slideshare.net", "slideshare.net", "www.docswell.com", "docswell.com"}
)
MAX_OEMBED_HTML = 20_000  # an embed snippet is a few hundred bytes

_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"})
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_PATHS = re.compile(r"/(?:embed|shorts|live|v)/([A-Za-z0-9_-]{11})(?:[/?]|$)")
_VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"})
_VIMEO_ID = re.compile(r"/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/)?(\d{5,12})(?:[/?]|$)")
_GOOGLE_DOC = re.compile(
    r"/(presentation|document)/d/(e/[A-Za-z0-9_-]{10,200}|[A-Za-z0-9_-]{10,200})(?:/|$)"
)


def embed_for(urls: list[str], oembed: dict[str, Any] | None = None) -> dict[str, Any]:
    """The embed of a page known by ``urls`` (pasted, final, canonical, og:video), or {}."""
    for url in urls:
        found = _from_url(url)
        if found:
            return _with_shape(found, oembed)
    src = _oembed_src(oembed or {})
    if src:
        found = _from_url(src) or _from_oembed_src(src)
        if found:
            return _with_shape(found, oembed)
    return {}


def safe_embed(value: object) -> dict[str, Any] | None:
    """A stored embed, checked again where it is rendered: https, allowlisted host, known kind."""
    if not isinstance(value, dict):
        return None
    src, kind = value.get("src"), value.get("kind")
    if not isinstance(src, str) or kind not in (VIDEO, SLIDES, DOCUMENT) or not is_allowed(src):
        return None
    ratio = value.get("ratio")
    ratio = ratio if isinstance(ratio, int | float) and 0.2 <= ratio <= 5 else 16 / 9
    return {"src": src, "kind": kind, "ratio": round(ratio, 4), "provider": value.get("provider")}


def is_allowed(src: str) -> bool:
    try:
        parts = urlsplit(src)
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and parts.hostname in EMBED_HOSTS
        and parts.port is None
        and not parts.username
        and len(src) <= 2000
    )


def _from_url(url: str) -> dict[str, Any] | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if host in _YOUTUBE_HOSTS or host == "www.youtube-nocookie.com":
        video = _youtube_id(host, parts.path, parts.query)
        if video:
            return {
                "kind": VIDEO,
                "provider": "YouTube",
                # The privacy-enhanced host sets no cookie until the member presses play.
                "src": f"https://www.youtube-nocookie.com/embed/{video}",
            }
    if host in _VIMEO_HOSTS:
        match = _VIMEO_ID.match(parts.path)
        if match:
            return {
                "kind": VIDEO,
                "provider": "Vimeo",
                "src": f"https://player.vimeo.com/video/{match.group(1)}?dnt=1",
            }
    if host == "docs.google.com":
        match = _GOOGLE_DOC.match(parts.path)
        if match:
            what, doc = match.groups()
            if what == "presentation":
                return {
                    "kind": SLIDES,
                    "provider": "Google Slides",
                    "src": f"https://docs.google.com/presentation/d/{doc}/embed",
                }
            suffix = "pub?embedded=true" if doc.startswith("e/") else "preview"
            return {
                "kind": DOCUMENT,
                "provider": "Google Docs",
                "src": f"https://docs.google.com/document/d/{doc}/{suffix}",
            }
    return None


def _youtube_id(host: str, path: str, query: str) -> str:
    if host == "youtu.be":
        candidate = path.strip("/").split("/")[0]
        return candidate if _YOUTUBE_ID.fullmatch(candidate) else ""
    if path == "/watch":
        candidate = (parse_qs(query).get("v") or [""])[0]
        return candidate if _YOUTUBE_ID.fullmatch(candidate) else ""
    match = _YOUTUBE_PATHS.match(path)
    return match.group(1) if match else ""


def _oembed_src(oembed: dict[str, Any]) -> str:
    markup = oembed.get("html")
    if not isinstance(markup, str) or len(markup) > MAX_OEMBED_HTML:
        return ""
    frame = BeautifulSoup(markup, "html.parser").find("iframe")
    src = frame.get("src") if frame is not None else None
    if not isinstance(src, str):
        return ""
    src = src.strip()
    return "https:" + src if src.startswith("//") else src


def _from_oembed_src(src: str) -> dict[str, Any] | None:
    """An iframe the provider handed us: kept only on an allowlisted host, re-quoted."""
    if not is_allowed(src):
        return None
    parts = urlsplit(src)
    host = parts.hostname or ""
    provider = {
        "speakerdeck.com": "Speaker Deck",
        "www.slideshare.net": "SlideShare",
        "www.docswell.com": "Docswell",
    }.get(host)
    if provider is None:
        return None
    path = quote(parts.path, safe="/%-._~")
    query = quote(parts.query, safe="=&%-._~")
    return {
        "kind": SLIDES,
        "provider": provider,
        "src": f"https://{host}{path}" + (f"?{query}" if query else ""),
    }


def _with_shape(found: dict[str, Any], oembed: dict[str, Any] | None) -> dict[str, Any]:
    width, height = (oembed or {}).get("width"), (oembed or {}).get("height")
    ratio = 16 / 9
    if isinstance(width, int | float) and isinstance(height, int | float) and height > 0:
        ratio = width / height if 0.2 <= width / height <= 5 else ratio
    return {**found, "ratio": round(ratio, 4)}
