"""Celery adapter for the notes import: one file per task, the next one queued after it."""

from __future__ import annotations

from celery import shared_task

from . import services


# Celery's limits apply in a prefork worker; import_notes also keeps its own deadline, which
# holds in the embedded default's thread pool too.
@shared_task(
    soft_time_limit=services.FILE_DEADLINE_SECONDS + 30,
    time_limit=services.FILE_DEADLINE_SECONDS + 60,
)
def import_notes_files(run_id: int) -> None:
    if services.import_run_next_file(run_id=run_id):
        import_notes_files.delay(run_id)
