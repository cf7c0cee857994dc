"""How many matches, per facet: exactly in one pass over them, or estimated from the sample.

Both are one statement over the matches (annotated with `score`) that returns a few rows per
facet (kind, source, presenter, year) rather than a row per combination of them, which on a
large result would be thousands of rows for Python to add up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import EmptyResultSet
from django.db import connection

from .backends import get_backend

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import SearchEntry

FACETS = ("kind", "source", "presenter_id", "year")
_NUMBERS = {"presenter_id", "year", "score"}
_COLUMNS = ("id", "kind", "source", "presenter_id", "year", "meeting_date", "score")


@dataclass
class Counts:
    total: int = 0
    by: dict[str, Counter] = field(
        default_factory=lambda: {f: Counter() for f in (*FACETS, "score")}
    )


def _statement(hits_sql: str, dimensions: tuple[str, ...], *, page: bool) -> str:
    parts = [
        # S608: the dimensions are our own column names, never user input.
        f"SELECT '{d}', CAST({d} AS varchar(20)), COUNT(*), CAST(NULL AS bigint) "  # noqa: S608
        f"FROM hits GROUP BY {d}"
        for d in dimensions
    ]
    if page:
        # The same pass gives the page's ids: on a query that matches thousands of entries,
        # visiting them twice would double its cost.
        parts.append(
            "SELECT * FROM (SELECT CAST(NULL AS varchar(20)), CAST(NULL AS varchar(20)), "
            "CAST(NULL AS bigint), id FROM hits "
            "ORDER BY score DESC, meeting_date DESC, id DESC LIMIT %s OFFSET %s) AS page"
        )
    return f"WITH hits AS MATERIALIZED ({hits_sql}) " + " UNION ALL ".join(parts)


def _run(scored: QuerySet[SearchEntry], dimensions: tuple[str, ...], page: tuple[int, int] | None):
    counts = Counts()
    ids: list[int] = []
    try:
        hits_sql, params = scored.order_by().values(*_COLUMNS).query.sql_with_params()
    except EmptyResultSet:  # e.g. `by:` a handle nobody has
        return counts, ids
    sql = _statement(hits_sql, dimensions, page=page is not None)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(page or ())])
        for dimension, value, n, pk in cursor.fetchall():
            if pk is not None:
                ids.append(pk)
                continue
            counts.by[dimension][int(value) if dimension in _NUMBERS else value] += n
    counts.total = sum(counts.by[dimensions[0]].values())
    return counts, ids


def exact(scored: QuerySet[SearchEntry], *, limit: int, offset: int) -> tuple[Counts, list[int]]:
    """Exact counts per facet, and the ids of one page in rank order."""
    return _run(scored, FACETS, (limit, offset))


def sampled(scored: QuerySet[SearchEntry], every: int) -> Counts:
    """Counts per facet and per score among the matches in the sample of one in `every`."""
    return _run(scored.filter(get_backend().sample(every)), (*FACETS, "score"), None)[0]


def scaled(counts: Counts, every: int) -> Counts:
    """A sample's counts as estimates for the whole result."""
    out = Counts(total=counts.total * every)
    for dimension, counter in counts.by.items():
        out.by[dimension] = Counter({k: n * every for k, n in counter.items()})
    return out
