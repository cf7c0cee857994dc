"""Indexes on kind and source (the `kind:` and `in:` filters); on PostgreSQL also the layout of
apps.search.backends.postgres: one GIN index over all of an entry's lexemes (with partial copies
over the samples and deep-dive sections) instead of one per column, short vectors and display
text kept in the row, and lookup tokens (`chars`) with the script joins and without positions.

The backend's install is idempotent, so a database migrated before this gets what it lacks.
Existing entries get their lookup tokens recomputed from their own text (the joins are new, and
a mixed phrase is looked up by its join): the same function the index uses on every write.
SQLite reads `chars` only for one-character queries, which the joins do not change.
"""

from __future__ import annotations

from django.db import migrations, models

BATCH = 2000


def _recompute_lookup_tokens(connection) -> None:
    from apps.core.tokenizer import field_token_list, lookup_tokens

    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id, title, links, body, meta FROM search_entry WHERE id > %s "
                "ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            cursor.executemany(
                "UPDATE search_entry SET chars = strip(to_tsvector('simple'::regconfig, %s)) "
                "WHERE id = %s",
                [
                    (lookup_tokens([field_token_list(text) for text in texts]), pk)
                    for pk, *texts in rows
                ],
            )
            last = rows[-1][0]


def downgrade(apps, schema_editor):
    # Back to 0002's layout: one GIN index per token column (the rows stay readable as they are).
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("lexemes_gin", "lexemes_sample16", "lexemes_sample128", "lexemes_sections"):
        schema_editor.execute(f"DROP INDEX IF EXISTS search_entry_{name}")
    for column in ("title_tokens", "links_tokens", "body_tokens", "meta_tokens", "chars"):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS search_entry_{column}_gin ON search_entry USING gin ({column})"
        )


def upgrade(apps, schema_editor):
    from apps.search.backends import backend_for

    if schema_editor.connection.vendor != "postgresql":
        return
    backend_for("postgresql").install(schema_editor)
    _recompute_lookup_tokens(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["kind"], name="search_entry_kind"),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["source"], name="search_entry_source"),
        ),
        migrations.RunPython(upgrade, downgrade, elidable=False),
    ]
