"""Writes of the archive app itself (the import writes meetings through their own services)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.db import transaction

from .importer import import_notes
from .models import ImportFile, ImportRun

if TYPE_CHECKING:
    from apps.accounts.models import User

    from .importer import FileReport

# Seconds one file of an upload may take in the worker (README: any accepted file is done in
# well under this).
FILE_DEADLINE_SECONDS = 60


@transaction.atomic
def import_run_create(
    *, uploaded_by: User | None, dry_run: bool, reports: list[FileReport]
) -> ImportRun:
    """A finished run (the command line imports in the foreground)."""
    run = ImportRun(uploaded_by=uploaded_by, dry_run=dry_run, report=[r.as_dict() for r in reports])
    run.full_clean()
    run.save()
    return run


@transaction.atomic
def import_run_queue(
    *, uploaded_by: User | None, dry_run: bool, files: list[tuple[str, bytes, int]]
) -> ImportRun:
    """A run whose files, (name, data, real size), the worker imports one after the other."""
    run = ImportRun(
        uploaded_by=uploaded_by,
        dry_run=dry_run,
        status=ImportRun.Status.QUEUED,
        files_total=len(files),
    )
    run.full_clean()
    run.save()
    ImportFile.objects.bulk_create(
        ImportFile(run=run, position=position, name=name[:255], size=size, data=data)
        for position, (name, data, size) in enumerate(files)
    )
    return run


def import_run_next_file(*, run_id: int) -> bool:
    """Import the run's next waiting file; True while more are waiting.

    Runs outside a transaction of its own: each file is its own transaction (import_notes), and
    Markdown is rendered before it opens.
    """
    upload = ImportFile.objects.filter(run_id=run_id).order_by("position").first()
    if upload is None:
        ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.DONE)
        return False
    ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING
    )
    dry_run = ImportRun.objects.filter(pk=run_id).values_list("dry_run", flat=True).first()
    report = import_notes(
        data=bytes(upload.data),
        name=upload.name,
        dry_run=bool(dry_run),
        size=upload.size,
        deadline=time.monotonic() + FILE_DEADLINE_SECONDS,
    )
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        run.report = [*run.report, report.as_dict()]
        upload.delete()
        more = ImportFile.objects.filter(run_id=run_id).exists()
        run.status = ImportRun.Status.RUNNING if more else ImportRun.Status.DONE
        run.save(update_fields=["report", "status"])
    return more
