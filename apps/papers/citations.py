"""Papers → BibTeX (bibtex and biber read it): one paper, a meeting's, a tag's, the library."""

from __future__ import annotations

from collections.abc import Iterable

from .bibtex import BibEntry, bibtex_document
from .identity import PaperKey
from .models import Paper


def bib_entry(paper: Paper) -> BibEntry:
    key = PaperKey.parse(paper.key)
    scheme, value = (key.scheme, key.value) if key else ("", "")
    doi = value if scheme == "doi" else ""
    return BibEntry(
        title=paper.title,
        authors=list(paper.authors),
        authors_truncated=paper.more_authors,
        year=paper.published.year if paper.published else None,
        month=paper.published.month if paper.published else None,
        venue=paper.venue,
        arxiv_id=value if scheme == "arxiv" else "",
        primary_class=paper.categories[0] if paper.categories else "",
        doi=doi,
        url=(key.url or "") if key else "",
    )


def bibtex_for(papers: Iterable[Paper]) -> str:
    return bibtex_document(bib_entry(paper) for paper in papers)
