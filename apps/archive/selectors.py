"""Reads for the import pages."""

from __future__ import annotations

from .models import ImportRun

RECENT_RUNS = 10


def recent_import_runs() -> list[ImportRun]:
    return list(ImportRun.objects.select_related("uploaded_by")[:RECENT_RUNS])


def import_run(*, run_id: int) -> ImportRun | None:
    return ImportRun.objects.select_related("uploaded_by").filter(pk=run_id).first()
