from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import trigger_client_event

from apps.links import paper_matches as paper_match_services
from apps.links.models import PaperMatch
from apps.meetings.selectors import meeting_board

from . import selectors
from .exporter import meeting_markdown
from .forms import NotesUploadForm
from .importer import import_notes
from .notes_format import MAX_BYTES
from .permissions import can_import_notes
from .services import import_run_create


@login_required
def notes_import(request):
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
def import_report(request, run_id: int):
    if not can_import_notes(request.user):
        raise PermissionDenied
    run = selectors.import_run(run_id=run_id)
    if run is None:
        raise Http404(_("この取り込みの記録はありません。"))
    context = {"run": run, "paper_counts": PaperMatch.objects.counts()}
    return render(request, "archive/report.html", context)


@require_safe
def meeting_export(request, date):
    """The meeting as Markdown: shown as text, or downloaded with ?download=1."""
    meeting = meeting_board(date=date)
    if meeting is None:
        raise Http404(_("この日の勉強会はありません。"))
    response = HttpResponse(
        meeting_markdown(meeting=meeting), content_type="text/markdown; charset=utf-8"
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{date:%Y-%m-%d}.md"'
    return response


# --- papers imported without a URL ------------------------------------------------------------

PAPER_TABS = (
    PaperMatch.Status.SUGGESTED,
    PaperMatch.Status.NOT_FOUND,
    PaperMatch.Status.FAILED,
    PaperMatch.Status.PENDING,  # with the running ones
    PaperMatch.Status.MATCHED,
    PaperMatch.Status.CONFIRMED,
    PaperMatch.Status.DISMISSED,
)
PAPERS_PER_PAGE = 30


def _paper_tab(value: str) -> str:
    return value if value in PAPER_TABS else PaperMatch.Status.SUGGESTED


@login_required
@require_safe
def paper_matches(request):
    """Imported papers whose URL the export lost: suggestions to confirm, and what was decided."""
    # Reviewing an import's papers is part of importing: the same organizers.
    if not can_import_notes(request.user):
        raise PermissionDenied
    tab = _paper_tab(request.GET.get("status", ""))
    counts = PaperMatch.objects.counts()
    counts[PaperMatch.Status.PENDING] += counts.pop(PaperMatch.Status.SEARCHING)
    tabs = [(status, PaperMatch.Status(status).label, counts[status]) for status in PAPER_TABS]
    page = Paginator(PaperMatch.objects.for_review().in_tab(tab), PAPERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"tab": tab, "tabs": tabs, "page": page}
    return render(request, "archive/papers.html", context)


def _paper_decision(request, match_id: int, decide) -> HttpResponse:
    """Run an organizer's decision on one match; answer with its row (htmx) or the page."""
    if not can_import_notes(request.user):
        raise PermissionDenied
    match = get_object_or_404(PaperMatch.objects.for_review(), pk=match_id)
    tab = _paper_tab(request.POST.get("tab", ""))
    status = 200
    try:
        notice, level = decide(match)
    except paper_match_services.NotActionable:
        notice, level = _("この論文はすでに処理されています。"), messages.INFO
    except ValueError as exc:
        notice, level, status = str(exc), messages.ERROR, 422
    if not request.htmx:
        messages.add_message(request, level, notice)
        return redirect(f"{reverse('archive:papers')}?status={tab}")
    match = PaperMatch.objects.for_review().get(pk=match.pk)
    context = {"match": match, "tab": tab, "notice": notice}
    response = render(request, "archive/papers.html#paper-match", context, status=status)
    return trigger_client_event(response, "paper-matches-changed")


@login_required
@require_POST
def paper_match_confirm(request, match_id: int):
    def decide(match):
        match = paper_match_services.paper_match_confirm(
            match=match, arxiv_id=request.POST.get("arxiv_id", ""), by=request.user
        )
        if match.status == PaperMatch.Status.SUPERSEDED:
            return _("このトピックにはすでにURLがあるため、変更しませんでした。"), messages.INFO
        return _("arXiv:%(id)s をトピックのURLにしました。") % {
            "id": match.arxiv_id
        }, messages.SUCCESS

    return _paper_decision(request, match_id, decide)


@login_required
@require_POST
def paper_match_dismiss(request, match_id: int):
    def decide(match):
        paper_match_services.paper_match_dismiss(match=match, by=request.user)
        return _("該当なしにしました。トピックはURLなしのままです。"), messages.SUCCESS

    return _paper_decision(request, match_id, decide)


@login_required
@require_POST
def paper_match_search_again(request, match_id: int):
    def decide(match):
        paper_match_services.paper_match_search_again(match=match)
        return _("もう一度検索します。結果は少し後にこのページに出ます。"), messages.SUCCESS

    return _paper_decision(request, match_id, decide)
