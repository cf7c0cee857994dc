"""arXiv papers by title: one ``search_query`` request, parsed like the id lookups.

``title_queries`` turns a member's title into API queries: first the title as a phrase in the
title field (``ti:"…"``), then, for a title with a typo or a word too many, its content words
each in the title field (``ti:a AND ti:b``). ``search_arxiv`` runs one of them through
``safe_http`` (SSRF rules, byte cap, deadline) and returns the papers, best first. Pacing is
the caller's job, as for ``fetch_arxiv``: every request takes the shared "arxiv" slot.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

import arxiv
from arxiv import _feed as arxiv_feed  # the package's Atom parser (lxml, no network, no entities)
from django.conf import settings

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
from apps.links.canonical import normalize_arxiv_id
from apps.links.metadata import TITLE_MAX, collapse, names, truncate
from apps.links.resolvers.arxiv import ACCEPT_ATOM, DEFAULT_API_URL

MAX_RESULTS = 10  # enough to hold the paper and its namesakes; suggestions keep five
MAX_FEED_BYTES = 1024 * 1024  # ten entries are ~30 KB
MAX_AUTHORS = 5  # a suggestion names the first few, as a citation would
MAX_QUERY_WORDS = 12  # a longer AND query only grows the API's work, not the precision

# Lucene's English stop words: the search index drops them, so `ti:the` would match nothing
# and sink a whole AND query.
STOP_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into",
        "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then",
        "there", "these", "they", "this", "to", "was", "will", "with",
    }
)  # fmt: skip
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Candidate:
    """One paper the search returned, as a suggestion shows it."""

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    more_authors: int  # authors beyond those named
    year: int | None

    def as_dict(self) -> dict:
        return {**asdict(self), "authors": list(self.authors)}


def plain_title(title: str) -> str:
    """NFKC, LaTeX markup removed (``\\textsc{BERT}`` → ``BERT``), whitespace collapsed."""
    text = unicodedata.normalize("NFKC", title or "")
    text = _LATEX_COMMAND.sub("", text).replace("{", "").replace("}", "").replace("$", "")
    return " ".join(text.split())


def title_words(title: str) -> list[str]:
    """The title's ASCII words, lower-cased: what the API's title index holds.

    Quotes, colons and parentheses are query syntax to the API and never part of a word here,
    so nothing a member typed can change the query's shape.
    """
    return _WORD.findall(plain_title(title).casefold())


def title_queries(title: str) -> list[str]:
    """The queries to try in order; empty when the title has too little English to search."""
    words = title_words(title)
    content = [w for w in words if w not in STOP_WORDS]
    if len(words) < 2 or not content:
        return []  # "拡散モデルのサーベイ", "LLM": no search finds the paper from that
    queries = [f'ti:"{" ".join(words)}"']
    terms = list(dict.fromkeys(content))[:MAX_QUERY_WORDS]
    if len(terms) >= 2:
        queries.append(" AND ".join(f"ti:{w}" for w in terms))
    return queries


def search_arxiv(query: str, *, timeout: float = 20.0) -> list[Candidate]:
    """The papers one ``search_query`` returns, most relevant first; ``FetchError`` propagates."""
    response = safe_http.fetch(
        search_url(query), max_bytes=MAX_FEED_BYTES, accept=ACCEPT_ATOM, timeout=timeout
    )
    feed = arxiv_feed.parse(response.content)
    if feed.malformed:
        # The API occasionally answers garbage under load: worth another try later.
        raise FetchError("unsupported_content_type", transient=True, detail=f"feed: {feed.error}")
    found: dict[str, Candidate] = {}
    for result in feed.results:
        key = normalize_arxiv_id(result.get_short_id())
        # Error entries (id http://arxiv.org/api/errors#...) have no paper id and drop here.
        if key and key not in found:
            found[key] = _candidate(result, key)
    return list(found.values())


def search_url(query: str) -> str:
    """The API URL for a search, formatted by the package against ARXIV_API_URL."""
    client = arxiv.Client(page_size=MAX_RESULTS, delay_seconds=0, num_retries=0)
    client.query_url_format = getattr(settings, "ARXIV_API_URL", DEFAULT_API_URL) + "?{}"
    search = arxiv.Search(
        query=query, max_results=MAX_RESULTS, sort_by=arxiv.SortCriterion.Relevance
    )
    return client._format_url(search, 0, MAX_RESULTS)


def _candidate(result: arxiv.Result, key: str) -> Candidate:
    authors = names([author.name for author in result.authors])[:MAX_AUTHORS]
    return Candidate(
        arxiv_id=key,
        title=truncate(collapse(result.title), TITLE_MAX),
        authors=tuple(authors),
        more_authors=max(0, len(result.authors) - len(authors)),
        year=result.published.year if result.published else None,
    )
