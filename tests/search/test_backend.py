"""The database's own full-text structures, on whichever database runs the suite."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.search import indexing
from apps.search.backends import get_backend
from apps.search.tokenizer import cjk_characters, tokenize
from tests import factories

pytestmark = pytest.mark.django_db

NASTY = (
    "ＬＬＭとｽｹｰﾘﾝｸﾞ則 GPT-4o/Gemini-2.0 e5m2 1e5 03762 naïve β2 々 ヶ月 〇 ① ²\n"
    "'quote' \"double\" back\\slash ; DROP -- NEAR * : & | ! <-> 🎉 한국어 x_y 長すぎる"
)


def _indexed_terms(column: str) -> set[str]:
    """What the database's full-text index holds for one field of the index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT DISTINCT unnest(tsvector_to_array({column})) FROM search_entry")  # noqa: S608
        else:
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_fts, 'col')"
            )
            cursor.execute("SELECT term FROM temp.search_vocab WHERE col = %s", [column])
        return {row[0] for row in cursor.fetchall()}


def test_the_database_indexes_exactly_the_apps_tokens():
    topic = factories.topic(title="x", notes=NASTY)
    indexing.index_topic(topic.pk)
    assert _indexed_terms("body_tokens") == set(tokenize(NASTY))
    assert _indexed_terms("chars") == set(cjk_characters(NASTY, "x").split())
    assert "長" in _indexed_terms("chars") and "長す" in _indexed_terms("body_tokens")


def test_the_full_text_structures_exist():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'search_entry'")
            gin = [row[0] for row in cursor.fetchall() if "USING gin" in row[0]]
            assert sorted(index.rsplit("(", 1)[1] for index in gin) == [
                "body_tokens)", "chars)", "links_tokens)", "meta_tokens)", "title_tokens)",
            ]  # fmt: skip
            cursor.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'search_entry' AND column_name = 'body_tokens'"
            )
            assert cursor.fetchone()[0] == "tsvector"
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'search_entry_fts_%' AND type = 'trigger'"
            )
            assert len(cursor.fetchall()) == 3
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            assert (
                "fts5(title_tokens, links_tokens, body_tokens, meta_tokens, chars"
                in cursor.fetchone()[0]
            )


def test_the_index_size_is_reported():
    indexing.index_topic(factories.topic().pk)
    size = get_backend().index_size()
    # SQLite reports it where dbstat is compiled in (Debian's and Python's builds do).
    assert size > 0 or connection.vendor == "sqlite"
