"""SQLite: an FTS5 table over the token columns of search_entry, kept in sync by triggers.

FTS5 reads the app's tokens with `unicode61` (they are letters and digits separated by spaces,
so it only splits at the spaces; diacritics are kept, as on PostgreSQL). It is an
external-content table: it stores the inverted index only and reads the columns from
search_entry. `prefix='1'` adds an index of one-character prefixes, which is what a
one-character Japanese query (`学` → `学*`) asks for.

Queries are FTS5 strings built here from tokens, never from user text: a phrase is one quoted
string (`"強化 化学 学習"`), a prefix adds ` *`, a column filter is `{title_tokens} : …`.

Django remakes a SQLite table for some schema changes, and that drops its triggers: a later
migration that alters search_entry must call :meth:`SqliteBackend.install` again (it is
idempotent), and `rebuild_search_index` re-installs them anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import RawSQL

from . import LINKS_SCORE, NOTES_SCORE, REMARK_SCORE, TITLE_SCORE

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ..query import Term
    from ..tokenizer import Phrase

COLUMNS = ("title_tokens", "links_tokens", "body_tokens", "meta_tokens")
_cols = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)

INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5({_cols}, "
    "content='search_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', prefix='1', detail=full)",
    "CREATE TRIGGER IF NOT EXISTS search_entry_fts_insert AFTER INSERT ON search_entry BEGIN "
    f"INSERT INTO search_fts(rowid, {_cols}) VALUES (new.id, {_new}); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_fts_delete AFTER DELETE ON search_entry BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {_cols}) VALUES ('delete', old.id, {_old}); END",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_fts_update AFTER UPDATE OF {_cols} "
    "ON search_entry BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {_cols}) VALUES ('delete', old.id, {_old}); "
    f"INSERT INTO search_fts(rowid, {_cols}) VALUES (new.id, {_new}); END",
]
UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TABLE IF EXISTS search_fts",
]


def fts_phrase(phrase: Phrase) -> str:
    """An FTS5 phrase string; tokens hold letters and digits only, so quoting is plain."""
    text = '"' + " ".join(t.replace('"', '""') for t in phrase.tokens) + '"'
    return text + " *" if phrase.prefix else text


def _rows(expression: str) -> RawSQL:
    # A non-correlated subquery: SQLite runs it once per statement and probes the result.
    return RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])


class SqliteBackend:
    vendor = "sqlite"

    def matching(self, queryset: QuerySet, terms: list[Term]) -> QuerySet:
        if not terms:
            return queryset
        expression = " AND ".join(f"({fts_phrase(t.phrase)})" for t in terms)
        return queryset.filter(id__in=_rows(expression))

    def excluding(self, queryset: QuerySet, terms: list[Term]) -> QuerySet:
        if not terms:
            return queryset
        expression = " OR ".join(f"({fts_phrase(t.phrase)})" for t in terms)
        return queryset.exclude(id__in=_rows(expression))

    def score(self, term: Term):
        p = fts_phrase(term.phrase)
        return Case(
            When(Q(id__in=_rows(f"{{title_tokens}} : {p}")), then=Value(TITLE_SCORE)),
            When(Q(id__in=_rows(f"{{links_tokens}} : {p}")), then=Value(LINKS_SCORE)),
            When(~Q(id__in=_rows(f"{{body_tokens}} : {p}")), then=Value(0)),
            When(Q(source="remark"), then=Value(REMARK_SCORE)),
            default=Value(NOTES_SCORE),
        )

    def install(self, schema_editor) -> None:
        for sql in INSTALL:
            schema_editor.execute(sql)

    def uninstall(self, schema_editor) -> None:
        for sql in UNINSTALL:
            schema_editor.execute(sql)

    def begin_rebuild(self) -> None:
        # Without the triggers a bulk load is plain inserts; FTS5 then indexes everything in one
        # pass ('rebuild'), much faster than row by row. Also repairs triggers a table remake lost.
        with connection.cursor() as cursor:
            for sql in UNINSTALL[:3]:
                cursor.execute(sql)
            cursor.execute("DELETE FROM search_entry")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")

    def finish_rebuild(self) -> None:
        with connection.cursor() as cursor:
            for sql in INSTALL:
                cursor.execute(sql)
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE search_entry")

    def index_size(self) -> int:
        """Bytes of search_entry, its indexes and the FTS5 shadow tables (needs dbstat)."""
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%'"
                )
                return int(cursor.fetchone()[0] or 0)
            except Exception:  # dbstat is a compile-time option
                return 0
