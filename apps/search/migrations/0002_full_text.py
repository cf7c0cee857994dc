"""The database's own full-text structures over search_entry: PostgreSQL or SQLite.

They are not model fields (Django has no portable type for them), so the SQL comes from the
backend of whichever database is being migrated; any other database gets nothing.
"""

from __future__ import annotations

from django.db import migrations


def install(apps, schema_editor):
    from apps.search.backends import backend_for

    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        backend_for(vendor).install(schema_editor)


def uninstall(apps, schema_editor):
    from apps.search.backends import backend_for

    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        backend_for(vendor).uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
