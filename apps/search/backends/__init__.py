"""Full-text backends: the same matching and ranking, expressed for each database.

Both receive the app's own tokens (apps.search.tokenizer) and never see user syntax:

- PostgreSQL (:mod:`.postgres`): generated `tsvector` columns built with the 'simple'
  configuration from the token columns, one multi-column GIN index, phrases as `<->` queries.
- SQLite (:mod:`.sqlite`): an FTS5 table over the token columns, kept in sync by triggers,
  phrases as FTS5 strings.

Matching: every positive term matches in some field (AND); no excluded term matches anywhere.
Ranking: each positive term scores by the best field it occurs in — title 8, link metadata 4,
notes 2, a remark's text 1, people/meeting 0 — summed; ties go to the newer meeting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.db import connection

if TYPE_CHECKING:
    from django.db.models import Expression, QuerySet

    from ..query import Term

TITLE_SCORE = 8
LINKS_SCORE = 4
NOTES_SCORE = 2
REMARK_SCORE = 1


class Backend(Protocol):
    vendor: str

    def matching(self, queryset: QuerySet, terms: list[Term]) -> QuerySet: ...

    def excluding(self, queryset: QuerySet, terms: list[Term]) -> QuerySet: ...

    def score(self, term: Term) -> Expression: ...

    def install(self, schema_editor) -> None: ...

    def uninstall(self, schema_editor) -> None: ...

    def begin_rebuild(self) -> None: ...

    def finish_rebuild(self) -> None: ...

    def after_rebuild(self) -> None: ...

    def index_size(self) -> int: ...


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
