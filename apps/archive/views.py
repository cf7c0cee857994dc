from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.accounts.requests import MemberRequest
from apps.board.selectors import meeting_board
from apps.core.downloads import file_response
from apps.core.htmx import HtmxHttpRequest
from apps.papers.models import PaperMatch

from . import selectors
from .archive_json import archive_export
from .exporter import meeting_markdown
from .forms import NotesUploadForm
from .importer import import_notes
from .notes_format import MAX_BYTES
from .permissions import can_export_archive, can_import_notes
from .services import import_run_create


@login_required
def notes_import(request: MemberRequest):
    if not can_import_notes(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = NotesUploadForm(request.POST, request.FILES) if posted else NotesUploadForm()
    if posted and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        reports = [
            # Never more than the limit in memory: a bigger file is refused by its size.
            import_notes(
                data=upload.read(MAX_BYTES + 1), name=upload.name, dry_run=dry_run, size=upload.size
            )
            for upload in form.cleaned_data["files"]
        ]
        run = import_run_create(uploaded_by=request.user, dry_run=dry_run, reports=reports)
        return redirect(run)
    context = {
        "form": form,
        "runs": selectors.recent_import_runs(),
        "paper_counts": PaperMatch.objects.counts(),
    }
    return render(request, "archive/import.html", context, status=422 if form.errors else 200)


@login_required
@require_safe
def import_report(request: HtmxHttpRequest, run_id: int):
    if not can_import_notes(request.user):
        raise PermissionDenied
    run = selectors.import_run(run_id=run_id)
    if run is None:
        raise Http404(_("この取り込みの記録はありません。"))
    context = {"run": run, "paper_counts": PaperMatch.objects.counts()}
    return render(request, "archive/report.html", context)


@require_safe
def meeting_export(request: HtmxHttpRequest, date):
    """The meeting as Markdown: shown as text, or downloaded with ?download=1."""
    meeting = meeting_board(date=date)
    if meeting is None:
        raise Http404(_("この日の勉強会はありません。"))
    return file_response(
        meeting_markdown(meeting=meeting),
        content_type="text/markdown; charset=utf-8",
        filename=f"{date:%Y-%m-%d}.md",
        attachment=bool(request.GET.get("download")),
    )


@login_required
@require_safe
def archive_json_download(request: MemberRequest):
    """The whole archive as the JSON document `export_archive` writes (organizers: it holds
    every member and every note)."""
    if not can_export_archive(request.user):
        raise PermissionDenied
    text = json.dumps(archive_export(), ensure_ascii=False, indent=2) + "\n"
    return file_response(
        text,
        content_type="application/json",
        filename=f"archive-{timezone.localdate():%Y-%m-%d}.json",
    )
