"""The database's own full-text structures, on whichever database runs the suite."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.core.tokenizer import field_token_list, lookup_tokens, tokenize
from apps.search import indexing
from apps.search.backends import get_backend
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
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab "
                "USING fts5vocab(main, search_fts, 'col')"
            )
            cursor.execute("SELECT term FROM temp.search_vocab WHERE col = %s", [column])
        return {row[0] for row in cursor.fetchall()}


def test_the_database_indexes_exactly_the_apps_tokens():
    topic = factories.topic(title="x", notes=NASTY)
    indexing.index_topic(topic.pk)
    assert _indexed_terms("body_tokens") == set(tokenize(NASTY))
    fields = [field_token_list(text) for text in ("x", NASTY)]
    assert _indexed_terms("chars") == set(lookup_tokens(fields).split())
    assert "長" in _indexed_terms("chars")
    assert "長す" in _indexed_terms("body_tokens")
    assert {"llmと", "則gpt", "4o", "xの"} & _indexed_terms("chars") == {"llmと", "則gpt"}


def test_the_full_text_structures_exist():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_entry'"
            )
            gin = {name: sql for name, sql in cursor.fetchall() if "USING gin" in sql}
            everything = (
                "(title_tokens || links_tokens) || body_tokens) || meta_tokens) || chars)))"
            )
            assert gin["search_entry_lexemes_gin"].endswith(everything)
            for every in (16, 128):
                assert gin[f"search_entry_lexemes_sample{every}"].endswith(
                    f"{everything} WHERE (mod(id, ({every})::bigint) = 0)"
                )
            assert gin["search_entry_lexemes_sections"].endswith(
                f"{everything} WHERE ((source)::text = 'deepdive'::text)"
            )
            assert gin["search_entry_title_tokens_gin"].endswith("gin (title_tokens)")
            assert gin["search_entry_links_tokens_gin"].endswith("gin (links_tokens)")
            assert len(gin) == 6
            cursor.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'search_entry' AND column_name = 'body_tokens'"
            )
            assert cursor.fetchone()[0] == "tsvector"
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE name LIKE 'search_entry_fts_%' AND type = 'trigger'"
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
