"""PostgreSQL: tsvector columns generated from the token columns, one GIN index over them.

`to_tsvector('simple', tokens)` only splits the app's tokens at spaces again (they hold letters
and digits only) and lower-cases what is already lower case, so the lexemes are exactly the app's
tokens; tests/search check that on PostgreSQL. Queries are tsquery literals built here from
tokens, never from user text: `強化学習` → `'強化' <-> '化学' <-> '学習'`, `学` → `'学':*`.

One multi-column GIN index serves all four columns; a term is `col @@ q` OR-ed over the columns
(a BitmapOr of four scans of that index). Phrases need a recheck of the heap row (GIN keeps no
positions), single tokens and prefixes do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.expressions import RawSQL

from . import LINKS_SCORE, NOTES_SCORE, REMARK_SCORE, TITLE_SCORE

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ..query import Term
    from ..tokenizer import Phrase

FIELDS = ("title", "links", "body", "meta")
INDEX_NAME = "search_entry_tsv_gin"

INSTALL = [
    # Generated columns: whatever writes the token columns (ORM, bulk_create, raw SQL) keeps
    # the vectors right, and a rebuild is plain inserts.
    "ALTER TABLE search_entry "
    + ", ".join(
        f"ADD COLUMN {f}_tsv tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('simple'::regconfig, {f}_tokens)) STORED"
        for f in FIELDS
    ),
    f"CREATE INDEX {INDEX_NAME} ON search_entry USING gin "
    f"({', '.join(f'{f}_tsv' for f in FIELDS)})",
]
UNINSTALL = [
    f"DROP INDEX IF EXISTS {INDEX_NAME}",
    "ALTER TABLE search_entry " + ", ".join(f"DROP COLUMN IF EXISTS {f}_tsv" for f in FIELDS),
]


def tsquery(phrase: Phrase) -> str:
    """A tsquery literal for a phrase; lexemes are quoted, so nothing in them is syntax."""
    lexemes = ["'" + token.replace("\\", "\\\\").replace("'", "''") + "'" for token in phrase.tokens]
    if phrase.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


def _in(field: str, q: str) -> RawSQL:
    return RawSQL(f"{field}_tsv @@ %s::tsquery", [q], output_field=BooleanField())


def _anywhere(q: str) -> RawSQL:
    sql = " OR ".join(f"{f}_tsv @@ %s::tsquery" for f in FIELDS)
    return RawSQL(f"({sql})", [q] * len(FIELDS), output_field=BooleanField())


class PostgresBackend:
    vendor = "postgresql"

    def matching(self, queryset: QuerySet, terms: list[Term]) -> QuerySet:
        for term in terms:
            queryset = queryset.filter(_anywhere(tsquery(term.phrase)))
        return queryset

    def excluding(self, queryset: QuerySet, terms: list[Term]) -> QuerySet:
        for term in terms:
            queryset = queryset.exclude(_anywhere(tsquery(term.phrase)))
        return queryset

    def score(self, term: Term):
        # Evaluated only on rows that matched the term: if it is in none of title, links and
        # meta, it is in the body, so the large body vector is read only in the rare
        # "meta and maybe body" case.
        q = tsquery(term.phrase)
        in_meta_only = RawSQL(
            "(meta_tsv @@ %s::tsquery AND NOT body_tsv @@ %s::tsquery)",
            [q, q],
            output_field=BooleanField(),
        )
        return Case(
            When(_in("title", q), then=Value(TITLE_SCORE)),
            When(_in("links", q), then=Value(LINKS_SCORE)),
            When(in_meta_only, then=Value(0)),
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
        # DELETE, not TRUNCATE: searches during a rebuild keep reading the old rows (MVCC)
        # instead of waiting for TRUNCATE's exclusive lock.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry")

    def finish_rebuild(self) -> None:
        pass

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_entry")

    def index_size(self) -> int:
        """Bytes of the table with its TOAST data and all its indexes."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_entry')")
            return int(cursor.fetchone()[0])
