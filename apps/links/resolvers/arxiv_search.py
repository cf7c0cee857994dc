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

from apps.links.metadata import TITLE_MAX, collapse, names, truncate
from apps.links.resolvers.arxiv import api_url, fetch_feed

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
    papers = fetch_feed(search_url(query), max_bytes=MAX_FEED_BYTES, timeout=timeout)
    return [_candidate(result, key) for key, result in papers.items()]


def search_url(query: str) -> str:
    """The API URL for a search."""
    search = arxiv.Search(
        query=query, max_results=MAX_RESULTS, sort_by=arxiv.SortCriterion.Relevance
    )
    return api_url(search, page_size=MAX_RESULTS)


def _candidate(result: arxiv.Result, key: str) -> Candidate:
    authors = names([author.name for author in result.authors])[:MAX_AUTHORS]
    return Candidate(
        arxiv_id=key,
        title=truncate(collapse(result.title), TITLE_MAX),
        authors=tuple(authors),
        more_authors=max(0, len(result.authors) - len(authors)),
        year=result.published.year if result.published else None,
    )
