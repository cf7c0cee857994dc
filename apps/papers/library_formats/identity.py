"""Which entries are the same paper, and folding them into one.

A paper's arXiv id names it whatever its title says (a v2 may be retitled); without one, its
title (spacing, case and punctuation aside) is all a collection gives. Collections list the same
paper more than once — copied twice, or noted again later — and the board wants one paper with
everything that was written about it, so duplicates are merged rather than dropped.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .entries import LibraryEntry
from .problems import ProblemLog
from .text import shorten, title_key
from .urls import arxiv_id


def entry_key(title: str, urls: list[str]) -> str:
    for url in urls:
        found = arxiv_id(url)
        if found:
            return f"arxiv:{found}"
    return f"title:{title_key(title)}"


def merge_duplicates(entries: list[LibraryEntry], log: ProblemLog) -> list[LibraryEntry]:
    """One entry per key, in order of first appearance; each merge is an info line."""
    by_key: dict[str, _Merged] = {}
    # The title's own key too: a summary with an arXiv link and one without are the same paper.
    by_title: dict[str, _Merged] = {}
    kept: list[LibraryEntry] = []
    for entry in entries:
        first = by_key.get(entry.key)
        if first is None:
            same_title = by_title.get(title_key(entry.title))
            # Two different arXiv ids are two papers, however alike their titles.
            if same_title and not (_has_id(same_title.entry) and _has_id(entry)):
                first = same_title
        if first is None:
            merged = _Merged(entry)
            by_key[entry.key] = merged
            by_title.setdefault(title_key(entry.title), merged)
            kept.append(entry)
            continue
        first.absorb(entry)
        by_key.setdefault(entry.key, first)
        log.info(
            entry.line,
            _("「%(title)s」は %(first)d 行目と同じ論文です。1 件にまとめました。"),
            title=shorten(entry.title),
            first=first.entry.line,
        )
    return kept


def _has_id(entry: LibraryEntry) -> bool:
    return entry.key.startswith("arxiv:")


class _Merged:
    """An entry that others are folded into, with what it already holds for quick lookups
    (a file may repeat one paper thousands of times)."""

    _LISTS = ("urls", "categories", "comment_urls", "tags")

    def __init__(self, entry: LibraryEntry) -> None:
        self.entry = entry
        self.seen: dict[str, set] | None = None

    def absorb(self, other: LibraryEntry) -> None:
        """Fill what is missing from `other`; lists are united; differing comments are all kept."""
        into = self.entry
        if self.seen is None:
            self.seen = {name: set(getattr(into, name)) for name in self._LISTS}
            self.seen["comment"] = {into.comment}
            self.seen["related"] = {(ref.title, ref.note_number) for ref in into.related}
        into.venue = into.venue or other.venue
        into.abstract = into.abstract or other.abstract
        into.summary = into.summary or other.summary
        if not into.authors:
            into.authors, into.more_authors = other.authors, other.more_authors
        into.published = into.published or other.published
        into.updated = into.updated or other.updated
        into.noted_on = into.noted_on or other.noted_on
        for name in self._LISTS:
            self._unite(getattr(into, name), getattr(other, name), self.seen[name])
        into.sections = into.sections or other.sections
        into.qa = into.qa or other.qa
        if other.comment and other.comment not in self.seen["comment"]:
            self.seen["comment"].add(other.comment)
            into.comment = f"{into.comment}\n\n{other.comment}" if into.comment else other.comment
        for ref in other.related:
            if (ref.title, ref.note_number) not in self.seen["related"]:
                self.seen["related"].add((ref.title, ref.note_number))
                into.related.append(ref)
        if not _has_id(into) and _has_id(other):
            into.key = other.key

    @staticmethod
    def _unite(mine: list, theirs: list, seen: set) -> None:
        for item in theirs:
            if item not in seen:
                seen.add(item)
                mine.append(item)
