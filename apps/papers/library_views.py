"""The paper library: all papers, one page per paper, notes and tags, imports, BibTeX."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.accounts.requests import MemberRequest
from apps.core.downloads import file_response
from apps.core.htmx import HtmxHttpRequest, require
from apps.meetings.models import Meeting
from apps.meetings.selectors import today

from . import citations, queue_selectors, selectors, services
from .forms import LibraryNoteForm, LibraryUploadForm, PaperTagsForm
from .importer import import_library
from .library_formats import MAX_BYTES
from .models import Paper, Tag
from .permissions import can_add_library_note, can_import_library, can_review_paper_matches

PAPERS_PER_PAGE = 30


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 1900 <= number <= 2200 else None


@require_safe
def library(request: HtmxHttpRequest):
    get = request.GET
    filters = selectors.LibraryFilters(
        tag=get.get("tag", "")[:500],
        category=get.get("category", "")[:40],
        year=_int(get.get("year")),
        presented=get.get("presented", "") if get.get("presented") in ("yes", "no") else "",
        noted_by=get.get("by", "")[:40].lower(),
        sort=get.get("sort", "noted") if get.get("sort") in selectors.LIBRARY_SORTS else "noted",
    )
    page = Paginator(selectors.library_papers(filters), PAPERS_PER_PAGE).get_page(get.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "tags": selectors.tag_cloud(),
        "tag": Tag.objects.filter(slug=filters.tag).first() if filters.tag else None,
        "sorts": [
            ("noted", _("新しいノート順")),
            ("discussed", _("話題になった順")),
            ("wanted", _("聞きたい順")),
            ("new", _("追加順")),
        ],
    }
    return render(request, "papers/library.html", context)


@require_safe
def paper_detail(request: HtmxHttpRequest, paper_id: int):
    page = selectors.paper_page(paper_id=paper_id)
    if page is None:
        raise Http404(_("この論文はライブラリにありません。"))
    return _render_detail(request, page)


def _render_detail(request, page, *, note_form=None, tags_form=None, status=200):
    context = {
        "page": page,
        "paper": page.paper,
        "note_form": note_form or LibraryNoteForm(),
        "tags_form": tags_form or PaperTagsForm(),
        "can_note": can_add_library_note(request.user),
        # The arXiv title search of a paper known only by its title (select_related: no query).
        "paper_match": getattr(page.paper, "paper_match", None),
        "can_review_match": can_review_paper_matches(request.user),
        **_queue_context(request, page.paper),
    }
    return render(request, "papers/detail.html", context, status=status)


def _queue_context(request, paper: Paper) -> dict:
    viewer = request.user if request.user.is_authenticated else None
    entry, vote = queue_selectors.paper_vote(paper, viewer=viewer)
    return {
        "queue_entry": entry,
        "queue_vote": vote,
        "queue_claimed": queue_selectors.claims_of_paper(paper, on=today()),
        "paper_slot": str(paper.pk),
    }


@login_required
@require_POST
def note_create(request: MemberRequest, paper_id: int):
    paper = get_object_or_404(Paper, pk=paper_id)
    require(can_add_library_note(request.user))
    form = LibraryNoteForm(request.POST)
    if not form.is_valid():
        page = selectors.paper_page(paper_id=paper.pk)
        return _render_detail(request, page, note_form=form, status=422)
    services.library_note_create(
        paper=paper,
        author=request.user,
        summary=form.cleaned_data["summary"],
        tags=form.cleaned_data["tags"],
    )
    messages.success(request, _("ノートを追加しました。"))
    return redirect(f"{paper.get_absolute_url()}#notes")


@login_required
@require_POST
def tags_add(request: MemberRequest, paper_id: int):
    paper = get_object_or_404(Paper, pk=paper_id)
    require(can_add_library_note(request.user))
    form = PaperTagsForm(request.POST)
    if not form.is_valid():
        page = selectors.paper_page(paper_id=paper.pk)
        return _render_detail(request, page, tags_form=form, status=422)
    services.paper_add_tags(paper=paper, names=form.cleaned_data["tags"])
    messages.success(request, _("タグを追加しました。"))
    return redirect(paper.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def library_import(request: MemberRequest):
    require(can_import_library(request.user))
    form = LibraryUploadForm(request.POST or None, request.FILES or None)
    reports = []
    if request.method == "POST" and form.is_valid():
        for upload in form.cleaned_data["files"]:
            data = upload.read(MAX_BYTES + 1)
            reports.append(
                import_library(
                    data,
                    name=upload.name,
                    author=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    size=upload.size,
                )
            )
    status = 422 if form.errors else 200
    return render(request, "papers/import.html", {"form": form, "reports": reports}, status=status)


def _bib_response(text: str, filename: str) -> HttpResponse:
    return file_response(
        text, content_type="application/x-bibtex; charset=utf-8", filename=filename
    )


@require_safe
def paper_bibtex(request: HtmxHttpRequest, paper_id: int):
    paper = get_object_or_404(Paper, pk=paper_id)
    return _bib_response(citations.bibtex_for([paper]), f"paper-{paper.pk}.bib")


@require_safe
def library_bibtex(request: HtmxHttpRequest):
    """The whole library, or one tag's papers: `/papers/export.bib?tag=rlvr`."""
    papers = Paper.objects.order_by("pk")
    tag = request.GET.get("tag", "")[:500]
    if tag:
        papers = papers.filter(tags__slug=tag)
    return _bib_response(citations.bibtex_for(papers), f"library{'-' + tag if tag else ''}.bib")


@require_safe
def meeting_bibtex(request: HtmxHttpRequest, date):
    """Every paper presented at one meeting, in agenda order."""
    meeting = get_object_or_404(Meeting, date=date)
    papers = selectors.papers_of_meeting(meeting)
    return _bib_response(citations.bibtex_for(papers), f"{meeting.date:%Y-%m-%d}.bib")
