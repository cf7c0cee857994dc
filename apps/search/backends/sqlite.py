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

from contextlib import contextmanager
from functools import reduce
from operator import and_
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Exact
from django.utils import timezone

from . import FIELDS, InstalledBySql, entry_columns

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from apps.core.tokenizer import Phrase
    from apps.search.query import Term

COLUMNS = ("title_tokens", "links_tokens", "body_tokens", "meta_tokens", "chars")
_cols = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)

# Built from our own column names only: no outside value reaches this SQL (hence the noqa).
_INSERT = f"INSERT INTO search_fts(rowid, {_cols}) VALUES (new.id, {_new});"  # noqa: S608
_DELETE = f"INSERT INTO search_fts(search_fts, rowid, {_cols}) VALUES ('delete', old.id, {_old});"  # noqa: S608
INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5({_cols}, "
    "content='search_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', prefix='1', detail=full)",
    "CREATE TRIGGER IF NOT EXISTS search_entry_fts_insert AFTER INSERT ON search_entry "
    f"BEGIN {_INSERT} END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_fts_delete AFTER DELETE ON search_entry "
    f"BEGIN {_DELETE} END",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_fts_update AFTER UPDATE OF {_cols} ON search_entry "
    f"BEGIN {_DELETE} {_INSERT} END",
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


def _rows(expression: str) -> Q:
    # A non-correlated subquery: SQLite runs it once per statement and probes the result.
    return Q(id__in=RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression]))


class SqliteBackend(InstalledBySql):
    install_sql = INSTALL
    uninstall_sql = UNINSTALL
    vendor = "sqlite"

    def condition(self, term: Term) -> Q:
        """The term occurs in the entry (in any one field: phrases do not span columns)."""
        char = term.phrase.single_character
        if char is not None:
            return _rows(f'{{chars}} : "{char}"')
        fields = "{title_tokens links_tokens body_tokens meta_tokens}"
        return _rows(f"{fields} : {fts_phrase(term.phrase)}")

    def lookup(self, terms: list[Term], *, excluding: Sequence[Term] = ()) -> Q:
        return reduce(and_, [self.condition(term) for term in terms])

    def can_exclude(self, term: Term) -> bool:
        return False  # excluded terms are each their own FTS5 query (`without`)

    def verify(self, terms: list[Term]) -> Q | None:
        return None  # FTS5 keeps positions: its phrase match is exact

    def anywhere(self, term: Term) -> Q:
        return self.condition(term)

    def without(self, term: Term, *, few: bool = False) -> Q:
        return ~self.condition(term)

    def in_field(self, term: Term, field: str) -> Q:
        if field not in FIELDS:
            raise ValueError(field)
        return _rows(f"{{{field}_tokens}} : {fts_phrase(term.phrase)}")

    def among(self, ids: list[int]) -> Q:
        return Q(id__in=ids)

    def sample(self, every: int) -> Q:
        return Q(Exact(F("id") % every, 0))

    def entry_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT MAX(id) FROM search_entry")
            return int(cursor.fetchone()[0] or 0)

    @contextmanager
    def planner_hints(self) -> Iterator[None]:
        yield

    @contextmanager
    def date_order_walk(self) -> Iterator[None]:
        yield  # SQLite's planner reads the date index when a LIMIT asks for it

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        yield  # begin_rebuild already loads without triggers

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

    def bulk_insert(self, rows: list[dict]) -> None:
        columns = entry_columns()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        values = [
            [row[c].isoformat() if c == "meeting_date" else row.get(c, now) for c in columns]
            for row in rows
        ]
        sql = (
            f"INSERT INTO search_entry ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)

    def index_size(self) -> int:
        """Bytes of search_entry, its indexes and the FTS5 shadow tables (needs dbstat)."""
        with connection.cursor() as cursor:
            try:
                cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%'")
                return int(cursor.fetchone()[0] or 0)
            except Exception:  # dbstat is a compile-time option
                return 0
