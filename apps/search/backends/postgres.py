"""PostgreSQL: the token columns are tsvectors (apps.search.models.TokensField), each with a GIN index.

They are written as `to_tsvector('simple', tokens)`, which only splits the app's tokens at spaces
again (they hold letters and digits only) and lower-cases what is already lower case, so the
lexemes are exactly the app's tokens; tests/search check that on PostgreSQL. Queries are tsquery literals built here from
tokens, never from user text: `強化学習` → `'強化' <-> '化学' <-> '学習'`, `RAGの` →
`'rag' <-> 'の':*`, and a lone `学` looks up the `chars` vector exactly.

Why it is fast:
- a term is `col @@ q` OR-ed over the four field columns: a BitmapOr of four GIN scans. Single
  tokens and exact characters need no recheck of the row; phrases do (GIN keeps no positions);
- scores come from hashed sets of ids (title matches, link matches, …), each one GIN scan,
  instead of testing every matching row's vectors;
- `toast_tuple_target = 128` moves the long text and vectors out of the main table (below);
- the planner cannot know that testing a tsvector row by row means detoasting it: for the
  search's own queries it is told to use the indexes (`SET LOCAL enable_seqscan = off`), and
  JIT, which would compile for longer than the query runs, is off.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from . import LINKS_SCORE, NOTES_SCORE, REMARK_SCORE, TITLE_SCORE, entry_columns

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.db.models import Expression

    from ..query import Term
    from ..tokenizer import Phrase

FIELDS = ("title", "links", "body", "meta")
COLUMNS = [f"{f}_tokens" for f in FIELDS] + ["chars"]
INDEXES = {f"search_entry_{column}_gin": column for column in COLUMNS}
CREATE_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS {name} ON search_entry USING gin ({column})"
    for name, column in INDEXES.items()
]
DROP_INDEXES = [f"DROP INDEX IF EXISTS {name}" for name in INDEXES]
# The long text and vectors go out of the main table (TOAST) from 128 bytes on, so a search
# that visits tens of thousands of rows reads few pages; only its page of 20 reads the text.
INSTALL = ["ALTER TABLE search_entry SET (toast_tuple_target = 128)", *CREATE_INDEXES]
UNINSTALL = [*DROP_INDEXES, "ALTER TABLE search_entry RESET (toast_tuple_target)"]


def tsquery(phrase: Phrase) -> str:
    """A tsquery literal for a phrase; lexemes are quoted, so nothing in them is syntax."""
    lexemes = [
        "'" + token.replace("\\", "\\\\").replace("'", "''") + "'" for token in phrase.tokens
    ]
    if phrase.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


def _ids(where: str, params: list) -> Q:
    # A non-correlated subquery: PostgreSQL builds a hashed set of ids once per statement.
    sql = f"SELECT id FROM search_entry WHERE {where}"  # noqa: S608 - our columns; values are params
    return Q(id__in=RawSQL(sql, params))  # noqa: S611


class PostgresBackend:
    vendor = "postgresql"

    def condition(self, term: Term) -> Q:
        """The term occurs in the entry (in any one field: phrases do not span fields)."""
        char = term.phrase.single_character
        if char is not None:
            sql, params = "chars @@ %s::tsquery", [tsquery(term.phrase).removesuffix(":*")]
        else:
            q = tsquery(term.phrase)
            sql = "(" + " OR ".join(f"{f}_tokens @@ %s::tsquery" for f in FIELDS) + ")"
            params = [q] * len(FIELDS)
        # Column names are ours; the tsquery is a parameter.
        return Q(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611

    def score(self, term: Term, *, absent_in: list[int] | None = None) -> Expression:
        """Title 8, link text 4, notes 2, a remark 1, people/meeting only 0 (see __init__).

        Evaluated on matching rows only, so "not in title, links or meta" means "in the body".
        `absent_in`: deep-dive sections matched as part of their whole deep dive (several
        terms); those lacking this term score 0 for it.
        """
        q = tsquery(term.phrase)
        whens = [
            When(_ids("title_tokens @@ %s::tsquery", [q]), then=Value(TITLE_SCORE)),
            When(_ids("links_tokens @@ %s::tsquery", [q]), then=Value(LINKS_SCORE)),
        ]
        if absent_in:
            anywhere = " OR ".join(f"{f}_tokens @@ %s::tsquery" for f in FIELDS)
            whens.append(
                When(
                    _ids(
                        f"id = ANY(%s) AND NOT ({anywhere})",
                        [absent_in, *[q] * len(FIELDS)],
                    ),
                    then=Value(0),
                )
            )
        whens += [
            When(
                _ids("meta_tokens @@ %s::tsquery AND NOT body_tokens @@ %s::tsquery", [q, q]),
                then=Value(0),
            ),
            When(Q(source="remark"), then=Value(REMARK_SCORE)),
        ]
        return Case(*whens, default=Value(NOTES_SCORE))

    @contextmanager
    def planner_hints(self) -> Iterator[None]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
            yield

    def install(self, schema_editor) -> None:
        for sql in INSTALL:
            schema_editor.execute(sql)

    def uninstall(self, schema_editor) -> None:
        for sql in UNINSTALL:
            schema_editor.execute(sql)

    def begin_rebuild(self) -> None:
        # DELETE, not TRUNCATE, and no index dropped: searches during a rebuild keep reading
        # the old rows (MVCC) instead of waiting for an exclusive lock.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry")

    def finish_rebuild(self) -> None:
        pass

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Load without the GIN indexes, then build them in one pass (several times faster).

        Holds an exclusive lock on search_entry until the transaction ends: for a benchmark or
        a first load, not for `rebuild_search_index` on a live site.
        """
        with connection.cursor() as cursor:
            for sql in DROP_INDEXES:
                cursor.execute(sql)
        yield
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred; CREATE INDEX refuses to run with their checks
            # still pending, so run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for sql in CREATE_INDEXES:
                cursor.execute(sql)

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_entry")

    def bulk_insert(self, rows: list[dict]) -> None:
        """COPY into a scratch table with the tokens as text, then one INSERT … SELECT that
        turns them into vectors: the same to_tsvector as every other write, at COPY speed."""
        columns = entry_columns()
        tokens = [c for c in columns if c in COLUMNS]
        plain = [c for c in columns if c not in COLUMNS]
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS search_entry_load ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {', '.join(plain)}, {', '.join(f'NULL::text AS {c}' for c in tokens)} "
                "FROM search_entry WITH NO DATA"
            )
            cursor.execute("TRUNCATE search_entry_load")
            with cursor.cursor.copy(
                f"COPY search_entry_load ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row([row.get(c, now) for c in columns])
            vectors = [
                f"to_tsvector('simple'::regconfig, {c})" if c in COLUMNS else c for c in columns
            ]
            cursor.execute(
                f"INSERT INTO search_entry ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {', '.join(vectors)} FROM search_entry_load"
            )

    def index_size(self) -> int:
        """Bytes of the table with its TOAST data and all its indexes."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_entry')")
            return int(cursor.fetchone()[0])
