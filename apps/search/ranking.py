"""The page of best hits of a large result, without ranking every match.

Hits are ordered by score (apps.search.backends.score), then newest meeting, then id. When a
query matches tens of thousands of entries, sorting them all costs a visit to each one. The
sample (apps.search.backends.SAMPLE_RATES) tells how the scores are spread, which gives a
cheaper way to the same page:

- pick the threshold: the highest score that, with the scores above it, covers the entries
  wanted twice over (a margin for the sample's error);
- the entries scoring above it are few: rank them all, finding them through the fields that can
  give such a score (a term in a title scores 8, in link text 4);
- the entries scoring exactly the threshold only need date order: read them newest first and
  stop when the page is full. Where they are dense, the date index is walked (a few hundred
  rows for a page), else they are collected through the full-text index and sorted.

The result is exactly the page a full sort gives. When the sample misled (fewer entries than
wanted at or above the threshold), :func:`best_ids` answers None and the caller sorts everything.
"""

from __future__ import annotations

import math
from collections import Counter
from contextlib import nullcontext
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from .backends import LINKS_SCORE, NOTES_SCORE, REMARK_SCORE, TITLE_SCORE, get_backend

if TYPE_CHECKING:
    from django.db.models import Q, QuerySet

    from .backends import Backend
    from .models import SearchEntry
    from .query import SearchQuery, Term

RANK_ORDER = ("-score", "-meeting_date", "-id")
DATE_ORDER = ("-meeting_date", "-id")


def _scoring_at_least(backend: Backend, term: Term, level: int) -> Q | None:
    """Entries where this term alone may score `level` or more, as full-text conditions the
    index can answer (a superset below notes level); None: any entry."""
    if level > LINKS_SCORE:
        return backend.in_field(term, "title")
    if level > NOTES_SCORE:
        return backend.in_field(term, "title") | backend.in_field(term, "links")
    if level > 0:
        return backend.lookup([term])  # what the index says, without checking phrases
    return None


def _may_score(backend: Backend, query: SearchQuery, total: int) -> Q | None:
    """Entries that may reach `total`: one of the terms must score at least its share."""
    if not query.terms:
        return None
    share = math.ceil(total / len(query.terms))
    conditions = [_scoring_at_least(backend, term, share) for term in query.terms]
    if any(c is None for c in conditions):
        return None
    return reduce(or_, conditions)


def _restricted(entries: QuerySet[SearchEntry], condition: Q | None) -> QuerySet[SearchEntry]:
    return entries if condition is None else entries.filter(condition)


def best_ids(
    scored: QuerySet[SearchEntry],
    query: SearchQuery,
    *,
    sample_scores: Counter[int],
    scale: int,
    offset: int,
    count: int,
) -> list[int] | None:
    """Ids of the hits `offset` to `offset + count` in rank order, or None (see the module).

    `scored`: the matches annotated with `score`; `sample_scores`: how many sampled matches
    have each score; `scale`: how many entries one sampled entry stands for.
    """
    backend = get_backend()
    need = offset + count
    threshold, at_threshold, covered = None, 0, 0
    for score in sorted(sample_scores, reverse=True):
        covered += sample_scores[score] * scale
        if covered >= 2 * need:
            threshold, at_threshold = score, sample_scores[score] * scale
            break
    if threshold is None:
        return None

    ids: list[int] = []
    # A remark has no title or link text: in remarks alone, a term scores at most 1.
    best = (REMARK_SCORE if query.sources == ["remark"] else TITLE_SCORE) * len(query.terms)
    if threshold < best:  # else nothing can score above it
        # `score` is an annotation (selectors.ranked); the stubs check lookups against fields.
        above = _restricted(
            scored.filter(score__gt=threshold),  # type: ignore[misc]
            _may_score(backend, query, threshold + 1),
        )
        ids = list(above.order_by(*RANK_ORDER).values_list("id", flat=True)[:need])
        if len(ids) >= need:
            return ids[offset:]

    rest = need - len(ids)
    at = _restricted(
        scored.filter(score=threshold),  # type: ignore[misc]
        _may_score(backend, query, threshold),
    )
    # Reading in date order visits about rest × entries / at_threshold rows; collecting and
    # sorting visits at_threshold rows. Walk when that is the smaller number.
    walk = rest * backend.entry_count() <= at_threshold * at_threshold
    with backend.date_order_walk() if walk else nullcontext():
        ids += at.order_by(*DATE_ORDER).values_list("id", flat=True)[:rest]
    if len(ids) < need:
        return None
    return ids[offset:]
