"""Full-text backends: the same matching and ranking, expressed for each database.

Both receive the app's own tokens (apps.core.tokenizer) and never see user syntax:

- PostgreSQL (:mod:`.postgres`): generated `tsvector` columns built with the 'simple'
  configuration from the token columns, one multi-column GIN index, phrases as `<->` queries.
- SQLite (:mod:`.sqlite`): an FTS5 table over the token columns, kept in sync by triggers,
  phrases as FTS5 strings.

Matching: every positive term occurs in the entry, each within one field (AND); no excluded
term occurs in it. A deep dive is indexed section by section, but with several terms it counts
as one document: a section matches when the deep dive has every term and the section has one
(apps.search.selectors.sections_of_whole_deep_dives).
Ranking: each positive term scores by the best field it occurs in — title 8, link metadata 4,
notes 2, a remark's text 1, people/meeting 0 — summed; ties go to the newer meeting. The score
is written once here (:func:`score`) from each backend's "the term is in this field" test.

Samples: the entries whose id is a multiple of one of :data:`SAMPLE_RATES` (128, 16). Ids do not
follow the text, so the matches among them, times the rate, estimate a result's size and facets
(apps.search.selectors) for a fraction of the cost of visiting every match. The sparse sample
sizes every result; the denser one is read only when the sparse one saw too few to tell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from django.db import connection
from django.db.models import Case, Q, Value, When

if TYPE_CHECKING:
    from collections.abc import Sequence
    from contextlib import AbstractContextManager

    from django.db.models import Expression

    from apps.search.query import Term

TITLE_SCORE = 8
LINKS_SCORE = 4
NOTES_SCORE = 2
REMARK_SCORE = 1
FIELDS = ("title", "links", "body", "meta")
SPARSE, DENSE = (
    128,
    16,
)  # one entry in this many (DENSE divides SPARSE: a sparse entry is dense too)
SAMPLE_RATES = (SPARSE, DENSE)


class Backend(Protocol):
    vendor: str

    def lookup(self, terms: list[Term], *, excluding: Sequence[Term] = ()) -> Q:
        """What the index can answer for all these terms together (every one may occur), and
        that the `excluding` terms (those it `can_exclude`) do not."""

    def can_exclude(self, term: Term) -> bool:
        """Whether `lookup` can tell exactly that the entry lacks this term."""

    def verify(self, terms: list[Term]) -> Q | None:
        """What must be checked on the rows `lookup` found for the terms to occur (phrases)."""

    def condition(self, term: Term) -> Q:
        """The term occurs in the entry (lookup and verify)."""

    def anywhere(self, term: Term) -> Q:
        """The same, tested on a row found otherwise."""

    def without(self, term: Term, *, few: bool = False) -> Q:
        """The term does not occur in the entry (excluded terms); `few`: for a query that
        reads few of the rows it finds (a sample)."""

    def in_field(self, term: Term, field: str) -> Q:
        """The term occurs in this field class (one of FIELDS) of the entry."""

    def among(self, ids: list[int]) -> Q:
        """The entry is one of these."""

    def sample(self, every: int) -> Q:
        """The entry is in the sample of one in `every` (one of SAMPLE_RATES)."""

    def entry_count(self) -> int:
        """About how many entries the index holds (the planner's figure is enough)."""

    def planner_hints(self) -> AbstractContextManager[None]:
        """Around the search's queries: whatever the database needs to plan them well."""

    def date_order_walk(self) -> AbstractContextManager[None]:
        """Around one query: read the entries newest first and stop at its LIMIT, rather than
        collecting every match and sorting them (the caller knows matches are dense)."""

    def bulk_load(self) -> AbstractContextManager[None]:
        """Around a full rebuild's inserts."""

    def install(self, schema_editor) -> None: ...

    def uninstall(self, schema_editor) -> None: ...

    def begin_rebuild(self) -> None: ...

    def finish_rebuild(self) -> None: ...

    def after_rebuild(self) -> None: ...

    def index_size(self) -> int: ...

    def bulk_insert(self, rows: list[dict]) -> None:
        """Insert index rows (field values by attname) as fast as the database allows."""


class InstalledBySql:
    """A backend whose database objects (indexes, virtual tables, triggers) are made and removed
    by two lists of idempotent statements, run by a migration's schema editor."""

    install_sql: ClassVar[Sequence[str]] = ()
    uninstall_sql: ClassVar[Sequence[str]] = ()

    def install(self, schema_editor) -> None:
        for sql in self.install_sql:
            schema_editor.execute(sql)

    def uninstall(self, schema_editor) -> None:
        for sql in self.uninstall_sql:
            schema_editor.execute(sql)


def score(backend: Backend, term: Term, *, absent_in: list[int] | None = None) -> Expression:
    """The term's score on a matching entry: title 8, link text 4, notes 2, a remark 1,
    people/meeting only 0.

    `absent_in`: deep-dive sections that match as part of their whole deep dive (several
    terms) but do not hold this term; it scores 0 there. The tests go from the cheapest field
    to the dearest, so the long notes are only read for entries that matched the term in
    people/meeting text.
    """
    whens = []
    if absent_in:
        whens.append(When(backend.among(absent_in), then=Value(0)))
    whens += [
        When(backend.in_field(term, "title"), then=Value(TITLE_SCORE)),
        When(backend.in_field(term, "links"), then=Value(LINKS_SCORE)),
        When(backend.in_field(term, "meta") & ~backend.in_field(term, "body"), then=Value(0)),
        When(Q(source="remark"), then=Value(REMARK_SCORE)),
    ]
    return Case(*whens, default=Value(NOTES_SCORE))


def entry_columns() -> list[str]:
    """search_entry's columns in model order, without the id."""
    from apps.search.models import SearchEntry

    return [f.column for f in SearchEntry._meta.concrete_fields if not f.primary_key]


def backend_for(vendor: str) -> Backend:
    if vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend()
    raise NotImplementedError(f"search has no backend for {vendor!r}")


def get_backend() -> Backend:
    return backend_for(connection.vendor)
