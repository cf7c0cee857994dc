"""arXiv papers: many ids in one API request, parsed by the ``arxiv`` package.

The package builds the query URL and parses the Atom feed; the request itself goes through
``safe_http`` so the SSRF rules, the byte cap and the deadline apply like everywhere else.
Pacing (one request every 3 seconds across workers) is the caller's job: the package's own
delay only knows about its own process.
"""

from __future__ import annotations

import logging
import re

import arxiv
from arxiv import _feed as arxiv_feed  # the package's Atom parser (lxml, no network, no entities)
from django.conf import settings

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
from apps.links.canonical import normalize_arxiv_id
from apps.links.categories import category_names
from apps.links.metadata import (
    ABSTRACT_MAX,
    DESCRIPTION_MAX,
    TITLE_MAX,
    Metadata,
    collapse,
    http_url,
    names,
    truncate,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
MAX_IDS = 100  # what one id_list request may ask for
MAX_FEED_BYTES = 4 * 1024 * 1024  # 100 entries are ~300 KB
ACCEPT_ATOM = ("application/atom+xml", "application/xml", "text/xml")
FAVICON_URL = "https://arxiv.org/favicon.ico"

# Category terms that are arXiv categories; feeds also carry ACM ("I.2.7") and MSC ("68T05")
# classes as <category> elements.
_ARXIV_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?")
_VERSION = re.compile(r"v(\d+)$")


def fetch_arxiv(ids: list[str], *, timeout: float = 20.0) -> dict[str, Metadata]:
    """Metadata for each paper the API returns, keyed by version-less id.

    One request for up to ``MAX_IDS`` ids (ValueError beyond). Ids that are not arXiv ids
    are not sent (one malformed id makes the API refuse the whole batch); ids the API does
    not return are absent from the result. ``FetchError`` propagates.
    """
    if len(ids) > MAX_IDS:
        raise ValueError(f"at most {MAX_IDS} arXiv ids per request, got {len(ids)}")
    wanted = list(dict.fromkeys(filter(None, (normalize_arxiv_id(i) for i in ids))))
    if not wanted:
        return {}
    papers = fetch_feed(query_url(wanted), max_bytes=MAX_FEED_BYTES, timeout=timeout)
    found = {key: result_metadata(result, key) for key, result in papers.items() if key in wanted}
    missing = set(wanted) - set(found)
    if missing:
        logger.info("arXiv returned no entry for %s", sorted(missing))
    return found


def fetch_feed(url: str, *, max_bytes: int, timeout: float) -> dict[str, arxiv.Result]:
    """The papers of one API answer, keyed by version-less id, in the feed's order (the first
    entry of an id wins). ``FetchError`` propagates, and a malformed feed is one."""
    response = safe_http.fetch(url, max_bytes=max_bytes, accept=ACCEPT_ATOM, timeout=timeout)
    feed = arxiv_feed.parse(response.content)
    if feed.malformed:
        # The API occasionally answers garbage under load: worth another try later.
        raise FetchError("unsupported_content_type", transient=True, detail=f"feed: {feed.error}")
    papers: dict[str, arxiv.Result] = {}
    for result in feed.results:
        key = normalize_arxiv_id(result.get_short_id())
        # Error entries (id http://arxiv.org/api/errors#...) have no paper id and drop here.
        if key and key not in papers:
            papers[key] = result
    return papers


def api_url(search: arxiv.Search, *, page_size: int) -> str:
    """The API URL for one page of a search, formatted by the package against ARXIV_API_URL."""
    client = arxiv.Client(page_size=page_size, delay_seconds=0, num_retries=0)
    client.query_url_format = getattr(settings, "ARXIV_API_URL", DEFAULT_API_URL) + "?{}"
    return client._format_url(search, 0, page_size)


def query_url(ids: list[str]) -> str:
    """The API URL for an id_list query."""
    # max_results must cover the batch: the API's default page is 10 entries.
    return api_url(arxiv.Search(id_list=ids, max_results=len(ids)), page_size=len(ids))


def result_metadata(result: arxiv.Result, key: str) -> Metadata:
    abstract = truncate(collapse(result.summary), ABSTRACT_MAX)
    categories = [c for c in result.categories if _ARXIV_CATEGORY.fullmatch(c)]
    primary = result.primary_category or (categories[0] if categories else "")
    if primary and primary not in categories:
        categories.insert(0, primary)
    version = _VERSION.search(result.get_short_id())
    return Metadata(
        title=truncate(collapse(result.title), TITLE_MAX),
        description=truncate(abstract, DESCRIPTION_MAX),
        site_name="arXiv",
        authors=names([author.name for author in result.authors]),
        published=result.published.isoformat(),
        updated=result.updated.isoformat(),
        favicon_url=FAVICON_URL,
        canonical_url=f"https://arxiv.org/abs/{key}",
        suggested_kind="paper",
        extra={
            "arxiv_id": key,
            "version": int(version.group(1)) if version else None,
            "primary_category": primary,
            "categories": categories,
            "category_names": category_names(categories),
            "pdf_url": http_url(_https(result.pdf_url)) or f"https://arxiv.org/pdf/{key}",
            "doi": collapse(result.doi),
            "journal_ref": collapse(result.journal_ref),
            "comment": collapse(result.comment),
            "abstract": abstract,
        },
    )


def _https(url: str | None) -> str:
    # The feed still says http://arxiv.org; arXiv redirects every such URL to https.
    if not url:
        return ""
    return re.sub(r"^http://(www\.|export\.)?arxiv\.org/", "https://arxiv.org/", url)
