"""Any other web page: OpenGraph, Twitter cards, JSON-LD, plain HTML, oEmbed; or a PDF.

Precedence, first found wins (documented because members will ask why a card says what it
says):

* title: ``citation_title`` → ``og:title`` → ``twitter:title`` → ``dc.title`` → JSON-LD
  ``headline``/``name`` → ``<title>`` → oEmbed ``title`` → the URL itself; a trailing
  " - Site" / " | Site" naming the site or the journal is cut;
* description: ``og:description`` → ``twitter:description`` → JSON-LD → ``meta description``;
* image: ``og:image:secure_url`` → ``og:image`` → ``twitter:image`` → JSON-LD ``image`` →
  ``link rel=image_src`` → oEmbed ``thumbnail_url``;
* authors: every ``citation_author`` → JSON-LD ``author`` → every ``dc.creator`` →
  ``meta author`` → ``article:author`` (never a URL) → oEmbed ``author_name``;
* date: ``article:published_time`` → JSON-LD → ``citation_publication_date`` →
  ``citation_date`` → ``prism.publicationDate`` → ``dc.date`` (``2022/09/01`` and ``2021/08``
  read as ``2022-09-01`` and ``2021-08``);
* site name: ``og:site_name`` → ``application-name`` → JSON-LD ``publisher`` → oEmbed
  ``provider_name`` → the host name;
* canonical URL: ``link rel=canonical`` → ``og:url`` → the final URL after redirects (the
  card keeps it only when it is on the page's own host, see ``services``);
* language: ``<html lang>`` → ``meta content-language`` → ``og:locale``;
* journal and proceedings pages (``citation_*``, ``dc.*``, ``prism.*``) also give the venue,
  the DOI and the PDF, and make the card a paper.

Bytes are decoded as browsers do it, in this order: byte order mark, the Content-Type
charset, ``<meta charset>``/``<meta http-equiv>``, then valid UTF-8 as UTF-8 (a page whose
first 256 kB are ASCII is not cp1252 because of it), then detection (charset_normalizer).
Shift_JIS is read as cp932 (Windows-31J), the superset Japanese pages really use.
"""

from __future__ import annotations

import codecs
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import charset_normalizer
from bs4 import BeautifulSoup, SoupStrainer, Tag

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
from apps.core.textfiles import BOMS
from apps.links import embeds
from apps.links.metadata import (
    DESCRIPTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    Metadata,
    collapse,
    http_url,
    language_tag,
    loose_date,
    names,
    plain_text,
    truncate,
)
from apps.links.resolvers.pdf import metadata_from_pdf

MAX_OEMBED_BYTES = 512 * 1024
OEMBED_TYPES = ("application/json+oembed", "text/json+oembed")
MIN_OEMBED_SECONDS = 0.5  # not worth starting a second request with less time left
META_PRESCAN_BYTES = 8 * 1024
DETECTION_BYTES = 256 * 1024
MAX_JSON_LD_SCRIPTS = 20

# Labels whose Python codec differs from what browsers use (WHATWG Encoding Standard).
_CODEC_FOR_LABEL = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    # A page cannot really be UTF-16 if its <meta> was readable as ASCII.
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_NOT_WEB_CHARSETS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "utf-7", "undefined"}
)
_META_CHARSET = re.compile(
    rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:\-]+)", re.IGNORECASE
)
_ARTICLE_TYPES = frozenset(
    [
        "Article",
        "NewsArticle",
        "BlogPosting",
        "TechArticle",
        "ScholarlyArticle",
        "Report",
        "SocialMediaPosting",
        "LiveBlogPosting",
        "DiscussionForumPosting",
        "VideoObject",
        "PresentationDigitalDocument",
        "DigitalDocument",
        "CreativeWork",
        "Book",
        "Course",
        "SoftwareApplication",
        "SoftwareSourceCode",
        "Dataset",
        "Event",
        "HowTo",
        "Recipe",
        "Episode",
    ]
)
# Types are matched by family too: ReportageNewsArticle, AnalysisNewsArticle, BlogPosting...
_ARTICLE_SUFFIXES = ("Article", "Posting", "Report")
# <html> is not built by the strainer below (it would build the whole page), so read its lang.
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)
_METADATA_ELEMENTS = SoupStrainer(["base", "title", "meta", "link", "script"])
_PAGE_TYPES = frozenset(
    ["WebPage", "ItemPage", "AboutPage", "ProfilePage", "QAPage", "CollectionPage"]
)


def fetch_page(url: str, *, timeout: float = 10.0) -> Metadata:
    """Metadata of the HTML page (or PDF) at ``url``; FetchError when it cannot be had."""
    started = time.monotonic()
    # One request for either kind, so under the larger cap; HTML is held to its own below.
    response = safe_http.fetch(
        url,
        max_bytes=safe_http.MAX_PDF_BYTES,
        accept=safe_http.ACCEPT_HTML + safe_http.ACCEPT_PDF,
        timeout=timeout,
    )
    if response.content_type in safe_http.ACCEPT_PDF:
        return _pdf_page(response)
    if len(response.content) > safe_http.MAX_HTML_BYTES:
        raise FetchError("too_large", detail=f"HTML page of {len(response.content)} bytes")
    page = parse_html(decode_html(response.content, response.charset), response.url)
    metadata = page.metadata
    urls = [url, response.url, metadata.canonical_url, *page.video_urls]
    embed = embeds.embed_for(urls)
    remaining = timeout - (time.monotonic() - started)
    # Slides and videos want the oEmbed answer even when the page says everything: it has
    # the player (Speaker Deck, SlideShare), the channel and the duration (Vimeo).
    wants_oembed = (
        _lacks_oembed_fields(metadata)
        or (embed and embed["kind"] == embeds.VIDEO)
        # The canonical address counts too: it only costs the one oEmbed request.
        or any(urlsplit(u).hostname in embeds.OEMBED_PLAYER_HOSTS for u in urls if u)
    )
    oembed: dict[str, Any] = {}
    if page.oembed_url and wants_oembed and remaining > MIN_OEMBED_SECONDS:
        oembed = fetch_oembed(page.oembed_url, timeout=remaining)
        _merge_oembed(metadata, oembed, page.oembed_url)
        embed = embeds.embed_for(urls, oembed)
    if embed:
        _add_embed(metadata, embed, page, oembed)
    _fill_fallbacks(metadata, response.url)
    return metadata


def _add_embed(
    metadata: Metadata, embed: dict[str, Any], page: ParsedPage, oembed: dict[str, Any]
) -> None:
    metadata.extra["embed"] = embed
    if embed["kind"] != embeds.VIDEO:
        return
    duration = seconds(oembed.get("duration")) or page.duration
    if duration:
        metadata.extra["duration_seconds"] = duration
    channel = plain_text(oembed.get("author_name"), NAME_MAX) or next(iter(metadata.authors), "")
    if channel:
        metadata.extra["channel"] = channel


# --- decoding ------------------------------------------------------------------------------


def decode_html(content: bytes, header_charset: str | None = None) -> str:
    """Text of an HTML document: BOM, then HTTP charset, then <meta>, then detection."""
    for bom, codec, _label in BOMS:
        if content.startswith(bom):
            return content.decode(codec, errors="replace")
    declared = [c for c in (_codec(header_charset), _codec(meta_charset(content))) if c]
    for codec in declared:
        try:
            return content.decode(codec)
        except UnicodeDecodeError:
            continue  # a wrong label is common ("utf-8" from a server default): try the next
    if not declared:
        # Undeclared but valid UTF-8 is UTF-8: detection only sees the first 256 kB, and an
        # all-ASCII start would make the rest cp1252 ("â€“" for "–").
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
    detected = _detect(content)
    if detected:
        return content.decode(detected, errors="replace")
    return content.decode(declared[0] if declared else "utf-8", errors="replace")


def meta_charset(content: bytes) -> str | None:
    """The charset a ``<meta charset>`` or ``<meta http-equiv=Content-Type>`` declares."""
    match = _META_CHARSET.search(content[:META_PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    name = _CODEC_FOR_LABEL.get(label, label)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # A page may name any Python codec: rot13, zlib, unicode_escape... none is a web charset.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_WEB_CHARSETS:
        return None
    return info.name


def _detect(content: bytes) -> str | None:
    best = charset_normalizer.from_bytes(content[:DETECTION_BYTES]).best()
    if best is None:
        return None
    # Detection says "shift_jis" where cp932 reads the same text and more characters.
    return _codec(best.encoding.replace("_", "-")) or _codec(best.encoding)


# --- parsing -------------------------------------------------------------------------------


@dataclass
class ParsedPage:
    metadata: Metadata
    oembed_url: str = ""
    video_urls: list[str] = field(default_factory=list)  # og:video: the player's address
    duration: int = 0  # seconds, from itemprop/og:video:duration/JSON-LD


MAX_VIDEO_SECONDS = 7 * 24 * 3600
_ISO_DURATION = re.compile(
    r"P(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,5})M)?(?:(\d{1,6})(?:\.\d+)?S)?)?",
    re.IGNORECASE,
)


def seconds(value: object) -> int:
    """A video's length in seconds from 5400, "5400" or "PT1H30M"; 0 for -1, junk, or more
    than a week."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        total = int(value)
    elif isinstance(value, str):
        text = value.strip()
        match = _ISO_DURATION.fullmatch(text)
        if text.isdigit():
            total = int(text[:9])
        elif match and text.upper() not in ("P", "PT"):
            d, h, m, s = (int(g) if g else 0 for g in match.groups())
            total = ((d * 24 + h) * 60 + m) * 60 + s
        else:
            return 0
    else:
        return 0
    return total if 0 < total <= MAX_VIDEO_SECONDS else 0


@dataclass
class _Head:
    """What a page declares about itself, collected once."""

    meta: dict[str, str] = field(default_factory=dict)  # first content per property/name
    every: dict[str, list[str]] = field(default_factory=dict)  # all contents (citation_author)
    links: list[tuple[list[str], str, str]] = field(default_factory=list)  # rel, type, href
    title: str = ""
    language: str = ""  # <html lang>


def parse_html(text: str, url: str) -> ParsedPage:
    """Metadata declared by an HTML document fetched from ``url`` (the final URL)."""
    # Only the elements that carry metadata are built: several times faster on long pages.
    soup = BeautifulSoup(text, "html.parser", parse_only=_METADATA_ELEMENTS)
    base = _base_url(soup, url)
    head = _collect(soup)
    html_tag = _HTML_LANG.search(text[:META_PRESCAN_BYTES])
    head.language = html_tag.group(1) if html_tag else ""
    ld = _json_ld(soup)
    meta = head.meta
    scholarly = _scholarly(head, base)
    site_name = _first_text(
        NAME_MAX, meta.get("og:site_name"), meta.get("application-name"), ld.publisher
    )
    title = _first_text(
        TITLE_MAX,
        meta.get("citation_title"),
        meta.get("og:title"),
        meta.get("twitter:title"),
        meta.get("dc.title"),
        ld.title,
        head.title,
    )
    metadata = Metadata(
        title=_without_site_suffix(title, site_name, scholarly.get("venue", "")),
        description=_first_text(
            DESCRIPTION_MAX,
            meta.get("og:description"),
            meta.get("twitter:description"),
            ld.description,
            meta.get("description"),
            meta.get("dc.description"),
            meta.get("citation_abstract"),
        ),
        site_name=site_name,
        authors=_authors(head, ld),
        published=_first_date(
            meta.get("article:published_time"),
            ld.published,
            meta.get("datepublished"),
            meta.get("citation_publication_date"),
            meta.get("citation_date"),
            meta.get("citation_online_date"),
            meta.get("prism.publicationdate"),
            meta.get("dc.date"),
            meta.get("dc.date.issued"),
            meta.get("date"),
        ),
        updated=_first_date(
            meta.get("article:modified_time"), meta.get("og:updated_time"), ld.modified
        ),
        image_url=_first_url(
            base,
            # Declared as the https twin of og:image: a card should never load http.
            meta.get("og:image:secure_url"),
            meta.get("og:image"),
            meta.get("og:image:url"),
            meta.get("twitter:image"),
            meta.get("twitter:image:src"),
            *ld.images,
            _link_href(head, "image_src"),
        ),
        favicon_url=_favicon(head, base, url),
        canonical_url=_first_url(base, _link_href(head, "canonical"), meta.get("og:url")),
        suggested_kind="paper" if scholarly else "blog",
    )
    language = language_tag(head.language) or language_tag(meta.get("content-language"))
    language = language or language_tag(meta.get("og:locale"))
    if language:
        metadata.extra["page_language"] = language
    metadata.extra.update(scholarly)
    return ParsedPage(
        metadata=metadata,
        oembed_url=_oembed_link(head, base),
        video_urls=[
            u
            for u in (
                http_url(meta.get(key), base)
                for key in ("og:video:secure_url", "og:video:url", "og:video", "embedurl")
            )
            if u
        ],
        duration=seconds(meta.get("duration"))
        or seconds(meta.get("og:video:duration"))
        or seconds(meta.get("video:duration"))
        or ld.duration,
    )


def _scholarly(head: _Head, base: str) -> dict[str, str]:
    """Venue, DOI and PDF of a journal or proceedings page; {} for any other page."""
    meta = head.meta
    if not any(key.startswith(("citation_", "prism.")) or key == "dc.identifier" for key in meta):
        return {}
    venue = _first_text(
        NAME_MAX,
        meta.get("citation_journal_title"),
        meta.get("citation_conference_title"),
        meta.get("citation_inbook_title"),
        meta.get("prism.publicationname"),
        meta.get("citation_publisher"),
        meta.get("dc.publisher"),
    )
    doi = next(
        (
            d
            for d in (
                _doi(v)
                for v in (
                    meta.get("citation_doi"),
                    meta.get("prism.doi"),
                    *head.every.get("dc.identifier", []),
                )
            )
            if d
        ),
        "",
    )
    found = {
        "venue": venue,
        "doi": doi,
        "pdf_url": _first_url(base, meta.get("citation_pdf_url")),
    }
    if not (meta.get("citation_title") or doi or venue):
        return {}
    return {key: value for key, value in found.items() if value}


_DOI = re.compile(r"(?:doi:|https?://(?:dx\.)?doi\.org/)?\s*(10\.\d{4,9}/\S+)", re.IGNORECASE)


def _doi(value: object) -> str:
    match = _DOI.fullmatch(collapse(value))
    return match.group(1)[:200] if match else ""


def _without_site_suffix(title: str, *names_: str) -> str:
    """ "AlphaFold ... - Nature" → "AlphaFold ...": the site's own name is not the title."""
    for name in filter(None, names_):
        for separator in (" - ", " | ", " – ", " — ", " : ", "｜"):
            suffix = separator + name
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].rstrip()
    return title


def _base_url(soup: BeautifulSoup, url: str) -> str:
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        return http_url(base["href"], url) or url
    return url


def _collect(soup: BeautifulSoup) -> _Head:
    head = _Head()
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str):
            key = key.strip().lower()
            head.meta.setdefault(key, content)
            head.every.setdefault(key, []).append(content)
        elif isinstance(content, str) and _http_equiv(tag) == "content-language":
            head.meta.setdefault("content-language", content)
    for tag in soup.find_all("link", href=True):
        rel_value: str | list[str] = tag.get("rel") or []
        rel = [r.lower() for r in (rel_value.split() if isinstance(rel_value, str) else rel_value)]
        head.links.append((rel, str(tag.get("type") or "").strip().lower(), str(tag["href"])))
    title = soup.find("title")
    if isinstance(title, Tag):
        head.title = title.get_text(" ")
    return head


def _http_equiv(tag: Tag) -> str:
    return str(tag.get("http-equiv") or "").strip().lower()


def _link_href(head: _Head, rel: str) -> str:
    return next((href for rels, _type, href in head.links if rel in rels), "")


def _favicon(head: _Head, base: str, url: str) -> str:
    # A small "icon" first: it is what a card shows beside the site name.
    for wanted in (("icon", "shortcut"), ("apple-touch-icon", "apple-touch-icon-precomposed")):
        for rels, _type, href in head.links:
            if any(r in wanted for r in rels) and "mask-icon" not in rels:
                icon = http_url(href, base)
                if icon:
                    return icon
    # Browsers ask the page's own origin, whatever <base> says.
    return http_url("/favicon.ico", url)


def _oembed_link(head: _Head, base: str) -> str:
    for _rels, link_type, href in head.links:
        if link_type in OEMBED_TYPES:
            return http_url(href, base)
    return ""


def _authors(head: _Head, ld: _LinkedData) -> list[str]:
    for found in (
        [_person_name(a) for a in head.every.get("citation_author", [])],
        ld.authors,
        [_person_name(a) for a in head.every.get("dc.creator", [])],
        [head.meta.get("author", "")],
        # Facebook wants a profile URL in article:author; _person_names drops URLs.
        [head.meta.get("article:author", "")],
    ):
        result = names([n for n in found if not _is_url(n)])
        if result:
            return result
    return []


def _is_url(value: str) -> bool:
    return bool(re.match(r"\s*(?:https?:)?//|\s*www\.", value))


def _person_name(value: str) -> str:
    """citation_author and dc.creator are often "Vaswani, Ashish": shown as "Ashish Vaswani".
    Names in Japanese or Chinese keep their order (family name first is how they are written)."""
    family, comma, given = value.partition(",")
    if not comma or "," in given or re.search(r"[\u3040-\u30ff\u3400-\u9fff]", value):
        return value
    return f"{given.strip()} {family.strip()}".strip()


def _first_text(limit: int, *values: object) -> str:
    return next((text for text in (plain_text(v, limit) for v in values) if text), "")


def _first_date(*values: object) -> str:
    return next((d for d in (loose_date(v) for v in values) if d), "")


def _first_url(base: str, *values: object) -> str:
    return next((u for u in (http_url(v, base) for v in values) if u), "")


# --- JSON-LD -------------------------------------------------------------------------------


@dataclass
class _LinkedData:
    title: str = ""
    description: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    modified: str = ""
    images: list[str] = field(default_factory=list)
    publisher: str = ""
    duration: int = 0


def _json_ld(soup: BeautifulSoup) -> _LinkedData:
    nodes: list[dict[str, Any]] = []
    scripts = soup.find_all(
        "script", attrs={"type": re.compile(r"^\s*application/ld\+json\s*$", re.IGNORECASE)}
    )
    for script in scripts[:MAX_JSON_LD_SCRIPTS]:
        try:
            data = json.loads(script.get_text(), strict=False)  # raw newlines in strings happen
        except ValueError:
            continue
        nodes.extend(_nodes(data))
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    main = _main_node(nodes)
    if main is None:
        return _LinkedData()

    def resolve(value: object) -> object:
        # Yoast and friends link nodes of an @graph by reference: {"@id": ".../#/person/1"}.
        if isinstance(value, dict) and set(value) == {"@id"}:
            return by_id.get(value["@id"], value)
        return value

    return _LinkedData(
        title=_ld_text(main.get("headline")) or _ld_text(main.get("name")),
        description=_ld_text(main.get("description")),
        authors=_ld_names(main.get("author"), resolve),
        published=_ld_text(main.get("datePublished") or main.get("uploadDate")),
        modified=_ld_text(main.get("dateModified")),
        images=_ld_images(main.get("image") or main.get("thumbnailUrl"), resolve),
        publisher=next(iter(_ld_names(main.get("publisher"), resolve)), ""),
        duration=seconds(main.get("duration")),
    )


def _nodes(data: object, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        if "@graph" in data:
            yield from _nodes(data["@graph"], depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    # "schema:BlogPosting" and "https://schema.org/BlogPosting" are BlogPosting.
    return {v.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if isinstance(v, str)}


def _is_article(types: set[str]) -> bool:
    return bool(types & _ARTICLE_TYPES) or any(t.endswith(_ARTICLE_SUFFIXES) for t in types)


def _main_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The node describing the page's content: an article-like node beats a WebPage."""
    for node in nodes:
        if _is_article(_types(node)):
            return node
    for node in nodes:
        if _types(node) & _PAGE_TYPES:
            return node
    return None


def _ld_text(value: object) -> str:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    return value if isinstance(value, str) else ""


def _ld_names(value: object, resolve) -> list[str]:
    values = value if isinstance(value, list) else [value]
    result = []
    for item in values[:50]:
        item = resolve(item)
        if isinstance(item, dict):
            # An unresolved {"@id": url} or {"url": ...} has no name; a name may be a list
            # (one Person node for several people, or a name in two scripts).
            item = item.get("name")
        for name in item if isinstance(item, list) else [item]:
            if isinstance(name, str) and name.strip() and not _is_url(name):
                result.append(name)
    return result


def _ld_images(value: object, resolve) -> list[str]:
    values = value if isinstance(value, list) else [value]
    result = []
    for item in values[:10]:
        item = resolve(item)
        if isinstance(item, dict):
            item = item.get("url") or item.get("contentUrl")
        if isinstance(item, str):
            result.append(item)
    return result


# --- oEmbed --------------------------------------------------------------------------------


def fetch_oembed(url: str, *, timeout: float = 5.0) -> dict[str, Any]:
    """The oEmbed document at ``url``; {} when it cannot be had (the page still counts)."""
    try:
        response = safe_http.fetch(
            url,
            max_bytes=MAX_OEMBED_BYTES,
            headers={"Accept": "application/json"},
            timeout=timeout,
        )
        data = json.loads(response.content)
    except (FetchError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _lacks_oembed_fields(metadata: Metadata) -> bool:
    return not (metadata.title and metadata.authors and metadata.image_url and metadata.site_name)


def _merge_oembed(metadata: Metadata, oembed: dict[str, Any], oembed_url: str) -> None:
    if not oembed:
        return
    provider = plain_text(oembed.get("provider_name"), NAME_MAX)
    author = plain_text(oembed.get("author_name"), NAME_MAX)
    metadata.title = metadata.title or plain_text(oembed.get("title"), TITLE_MAX)
    metadata.authors = metadata.authors or names(author)
    # Should be absolute; some providers give a path, relative to their endpoint.
    metadata.image_url = metadata.image_url or http_url(oembed.get("thumbnail_url"), oembed_url)
    metadata.site_name = metadata.site_name or provider
    metadata.extra.update(
        provider_name=provider,
        author_name=author,
        embed_type=plain_text(oembed.get("type"), 20),
    )


# --- fallbacks and PDFs --------------------------------------------------------------------


def _fill_fallbacks(metadata: Metadata, url: str) -> None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    metadata.site_name = metadata.site_name or host.removeprefix("www.")
    metadata.canonical_url = metadata.canonical_url or url
    if not metadata.title:
        # Nothing declared: the address itself, readable ("example.com/notes/rag").
        path = unquote(parts.path).rstrip("/")
        metadata.title = truncate(collapse(f"{host.removeprefix('www.')}{path}"), TITLE_MAX)


def _pdf_page(response: safe_http.FetchResponse) -> Metadata:
    try:
        metadata = metadata_from_pdf(response.content, url=response.url)
    except ValueError as exc:
        raise FetchError("unsupported_content_type", detail=f"PDF: {exc}") from exc
    _fill_fallbacks(metadata, response.url)
    return metadata
