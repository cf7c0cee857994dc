"""Full-text backends: the same matching and ranking, expressed for each database.

Both receive the app's own tokens (apps.search.tokenizer) and never see user syntax:

- PostgreSQL (:mod:`.postgres`): generated `tsvector` columns built with the 'simple'
  configuration from the token columns, one multi-column GIN index, phrases as `<->` queries.
- SQLite (:mod:`.sqlite`): an FTS5 table over the token columns, kept in sync by triggers,
  phrases as FTS5 strings.

Matching: every positive term occurs in the entry, each within one field (AND); no excluded
term occurs in it. A deep dive is indexed section by section, but with several terms it counts
as one document: a section matches when the deep dive has every term and the section has one
(apps.search.selectors.sections_of_whole_deep_dives).
Ranking: each positive term scores by the best field it occurs in — title 8, link metadata 4,
notes 2, a remark's text 1, people/meeting 0 — summed; ties go to the newer meeting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.db import connection

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from django.db.models import Expression, Q

    from ..query import Term

TITLE_SCORE = 8
LINKS_SCORE = 4
NOTES_SCORE = 2
REMARK_SCORE = 1


class Backend(Protocol):
    vendor: str

    def condition(self, term: Term) -> Q:
        """The term occurs in the entry."""

    def score(self, term: Term, *, absent_in: list[int] | None = None) -> Expression:
        """The term's score on a matching entry (see the module docstring)."""

    def planner_hints(self) -> AbstractContextManager[None]:
        """Around the search's queries: whatever the database needs to plan them well."""

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


def entry_columns() -> list[str]:
    """search_entry's columns in model order, without the id."""
    from ..models import SearchEntry

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
