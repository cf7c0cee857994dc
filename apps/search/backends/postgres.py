"""PostgreSQL: the token columns are tsvectors (apps.search.models.TokensField), searched through
one GIN index over all of an entry's lexemes.

The columns are written as `to_tsvector('simple', tokens)`, which only splits the app's tokens
at spaces again (they hold letters and digits only) and lower-cases what is already lower case,
so the lexemes are exactly the app's tokens; tests/search check that on PostgreSQL. Queries are
tsquery literals built here from tokens, never from user text.

How a term is found:
- the index is on the concatenation of the five vectors (LEXEMES): everything the entry holds.
  The term's lexemes are looked up AND-ed (`強化学習` → `'強化' & '化学' & '学習'`, a lone `学`
  → `'学'` among the characters, `LLMの推論` → `'llm' & 'の推' & '推論' & 'llmの'` with its
  script join). For a term of one token that is the whole answer: no row is read to check it,
  and with several terms it is still one index scan;
- a phrase is then checked on the row, field by field (`ts_match_vq(title_tokens, '強化' <->
  '化学' <-> '学習')`): it must stand in one field, in order. These checks are written as
  function calls, not `@@`, so that the planner never takes a field's check for an index
  condition: every search plans the same way, whatever its statistics say about phrases
  (they multiply the lexemes' frequencies, which for the bigrams of one word is far too low).

Why it is fast:
- the row is narrow: `toast_tuple_target = 128` moves the long text, the notes' vector and the
  lookup tokens out of the main table (TOAST), while the short title, link and people vectors
  and the short display text stay in it (`STORAGE MAIN`). Scoring a match and checking a phrase
  in a title read the row itself; only the notes' vector costs a TOAST lookup;
- partial copies of the index over the samples (`mod(id, 128) = 0`, `mod(id, 16) = 0`, see
  apps.search.backends) let an estimate visit a fraction of the matches, and over deep-dive
  sections let the deep dives that hold several terms be found without visiting every topic
  that holds one of them; GIN indexes on the title and link vectors find the entries that can
  score high (apps.search.ranking);
- the planner cannot know that testing a tsvector row by row means detoasting it: for the
  search's own queries it is told to use the indexes (`SET LOCAL enable_seqscan = off`), and
  JIT and parallel workers, which take longer to start than these queries run, are off. Where
  the caller knows the matches are dense, one query walks the date index instead of sorting
  every match (:meth:`PostgresBackend.date_order_walk`).
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import reduce
from operator import and_
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.core.tokenizer import is_cjk, script_joins

from . import FIELDS, SAMPLE_RATES, InstalledBySql, entry_columns

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from apps.core.tokenizer import Phrase
    from apps.search.query import Term

COLUMNS = [f"{f}_tokens" for f in FIELDS] + ["chars"]
# Columns whose vectors keep no positions (lookup tokens, see apps.core.tokenizer).
STRIPPED = {"chars"}
# Everything an entry holds, as the index sees it (the query must write it the same way).
LEXEMES = "(" + " || ".join(COLUMNS) + ")"
# mod(), not %, which is a placeholder to the driver.
SAMPLES = {every: f"mod(id, {every}) = 0" for every in SAMPLE_RATES}
# As Django writes `source='deepdive'`, so that its filter proves the predicate.
SECTIONS = "source = 'deepdive'"
INDEXES = {
    "search_entry_lexemes_gin": (LEXEMES, ""),
    **{f"search_entry_lexemes_sample{every}": (LEXEMES, sql) for every, sql in SAMPLES.items()},
    "search_entry_lexemes_sections": (LEXEMES, SECTIONS),
    "search_entry_title_tokens_gin": ("title_tokens", ""),
    "search_entry_links_tokens_gin": ("links_tokens", ""),
}
# Indexes of earlier layouts (one per token column).
OBSOLETE = [f"search_entry_{c}_gin" for c in ("body_tokens", "meta_tokens", "chars")]
CREATE_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS {name} ON search_entry USING gin ({expression})"
    + (f" WHERE {where}" if where else "")
    for name, (expression, where) in INDEXES.items()
]
DROP_INDEXES = [f"DROP INDEX IF EXISTS {name}" for name in [*INDEXES, *OBSOLETE]]
# Read for every match (scoring, checking a phrase) or shown on every hit, and short.
IN_ROW = [
    "title_tokens", "links_tokens", "meta_tokens",
    "title", "meta", "anchor", "context", "url", "url_key",
]  # fmt: skip
# The long text and the notes' vector go out of the main table (TOAST) from 128 bytes on, so a
# search that visits thousands of rows reads few pages; the IN_ROW columns stay.
INSTALL = [
    "ALTER TABLE search_entry SET (toast_tuple_target = 128)",
    *[f"ALTER TABLE search_entry ALTER COLUMN {c} SET STORAGE MAIN" for c in IN_ROW],
    *[f"DROP INDEX IF EXISTS {name}" for name in OBSOLETE],
    *CREATE_INDEXES,
]
UNINSTALL = [
    *DROP_INDEXES,
    *[f"ALTER TABLE search_entry ALTER COLUMN {c} SET STORAGE EXTENDED" for c in IN_ROW],
    "ALTER TABLE search_entry RESET (toast_tuple_target)",
]


def _quoted(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(phrase: Phrase) -> str:
    """A tsquery literal for a phrase; lexemes are quoted, so nothing in them is syntax."""
    lexemes = [_quoted(token) for token in phrase.tokens]
    if phrase.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


def lookup(phrase: Phrase) -> str:
    """A tsquery for the index: every lexeme the phrase needs, in any order (see above)."""
    char = phrase.single_character
    if char is not None:
        return _quoted(char)
    lexemes = [_quoted(token) for token in phrase.tokens]
    joins = [_quoted(join) for join in script_joins(phrase.tokens)]
    if phrase.prefix:
        if is_cjk(phrase.tokens[-2]):  # `強化・学`: nothing else says the character is there
            lexemes[-1] += ":*"
        else:
            # After a word (`GPT-4oと`), the join says so, where a prefix would merge the
            # posting lists of every lexeme that starts with it (`と` → `とい`, `とす`, …).
            lexemes.pop()
    return " & ".join(dict.fromkeys(lexemes + joins))


def to_tsvector(column: str, value: str = "%s") -> str:
    """SQL that turns a column's token text into what the column stores."""
    vector = f"to_tsvector('simple'::regconfig, {value})"
    return f"strip({vector})" if column in STRIPPED else vector


def _match(sql: str, params: list) -> Q:
    # Column names are ours; the tsqueries are parameters.
    return Q(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611


def _in_some_field(phrase: Phrase) -> tuple[str, list]:
    # Function calls, not `@@`: checked on the row, never taken for an index condition.
    q = tsquery(phrase)
    sql = "(" + " OR ".join(f"ts_match_vq({f}_tokens, %s::tsquery)" for f in FIELDS) + ")"
    return sql, [q] * len(FIELDS)


class PostgresBackend(InstalledBySql):
    install_sql = INSTALL
    uninstall_sql = UNINSTALL
    vendor = "postgresql"

    def lookup(self, terms: list[Term], *, excluding: Sequence[Term] = ()) -> Q:
        """One index condition for every term: the entry holds all the lexemes they need, and
        none of the excluded terms (each one lexeme: see `can_exclude`)."""
        parts = [f"({lookup(term.phrase)})" for term in terms]
        parts += [f"!({lookup(term.phrase)})" for term in excluding]
        return _match(f"{LEXEMES} @@ %s::tsquery", [" & ".join(parts)])

    def can_exclude(self, term: Term) -> bool:
        """Whether `lookup` can exclude the term: a term of one lexeme is absent exactly when
        the lexeme is (a phrase's lexemes can all be there without the phrase)."""
        return len(term.phrase.tokens) == 1

    def verify(self, terms: list[Term]) -> Q | None:
        """What the index cannot tell: each phrase stands, in order, in one field."""
        checks = [_match(*_in_some_field(t.phrase)) for t in terms if len(t.phrase.tokens) > 1]
        return reduce(and_, checks) if checks else None

    def condition(self, term: Term) -> Q:
        check = self.verify([term])
        return self.lookup([term]) & check if check else self.lookup([term])

    def anywhere(self, term: Term) -> Q:
        """The term occurs in the entry, tested on the row (a lone character reads the lookup
        tokens, one column)."""
        char = term.phrase.single_character
        if char is not None:
            return _match("ts_match_vq(chars, %s::tsquery)", [_quoted(char)])
        return _match(*_in_some_field(term.phrase))

    def without(self, term: Term, *, few: bool = False) -> Q:
        """The term does not occur in the entry. For a query that reads many rows, the entries
        that hold it are collected once, through the index (a hashed set of ids), rather than
        reading the notes of every row (the planner may test that before a cheap filter); for
        one that reads few (a sample), each row is tested."""
        from apps.search.models import SearchEntry

        if few:
            return ~self.anywhere(term)
        return ~Q(id__in=SearchEntry.objects.filter(self.condition(term)).values("id"))

    def in_field(self, term: Term, field: str) -> Q:
        if field not in FIELDS:
            raise ValueError(field)
        return _match(f"{field}_tokens @@ %s::tsquery", [tsquery(term.phrase)])

    def among(self, ids: list[int]) -> Q:
        # One parameter, not one per id: the driver splits a query's text at every placeholder,
        # and a search's sections can number in the hundreds. Written as the array's text, which
        # the driver sends as it is, rather than a list it would check element by element.
        array = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
        return _match("id = ANY(%s::bigint[])", [array])

    def sample(self, every: int) -> Q:
        # The partial index's predicate, so that the planner can use it (qualified: safe
        # beside a join).
        return _match(SAMPLES[every].replace("(id", "(search_entry.id"), [])

    def entry_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'search_entry'::regclass")
            row = cursor.fetchone()
        return max(0, int(row[0])) if row else 0

    @contextmanager
    def planner_hints(self) -> Iterator[None]:
        with transaction.atomic(), connection.cursor() as cursor:
            # No parallel workers either: starting them costs more than these queries take,
            # and they would compete with the other users' searches for the same cores.
            cursor.execute(
                "SET LOCAL enable_seqscan = off; SET LOCAL jit = off; "
                "SET LOCAL max_parallel_workers_per_gather = 0"
            )
            yield

    @contextmanager
    def date_order_walk(self) -> Iterator[None]:
        # Inside planner_hints' transaction; without bitmap scans the only plan left is the
        # date index, read in order until the LIMIT is reached.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off")
            try:
                yield
            finally:
                cursor.execute("SET LOCAL enable_bitmapscan = on; SET LOCAL enable_sort = on")

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
            vectors = [to_tsvector(c, c) if c in COLUMNS else c for c in columns]
            cursor.execute(
                f"INSERT INTO search_entry ({', '.join(columns)}) "  # noqa: S608
                f"SELECT {', '.join(vectors)} FROM search_entry_load"
            )

    def index_size(self) -> int:
        """Bytes of the table with its TOAST data and all its indexes."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_entry')")
            return int(cursor.fetchone()[0])
