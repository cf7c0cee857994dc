"""Writes of the archive app itself (the import writes meetings through their own services)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from .importer import FileReport
from .models import ImportRun

if TYPE_CHECKING:
    from apps.accounts.models import User


@transaction.atomic
def import_run_create(
    *, uploaded_by: User | None, dry_run: bool, reports: list[FileReport]
) -> ImportRun:
    run = ImportRun(uploaded_by=uploaded_by, dry_run=dry_run, report=[r.as_dict() for r in reports])
    run.full_clean()
    run.save()
    return run
