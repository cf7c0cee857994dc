"""Pages for papers: earlier presentations (既出), and the review of papers imported without a
URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe
from django_htmx.http import trigger_client_event

from apps.core.htmx import HtmxHttpRequest
from apps.meetings.selectors import today

from . import paper_matches as paper_match_services
from . import selectors
from .models import Paper, PaperMatch
from .permissions import can_review_paper_matches

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
def paper_matches(request: HtmxHttpRequest):
    """Imported papers whose URL the export lost: suggestions to confirm, and what was decided."""
    # Reviewing an import's papers is part of importing: the same organizers.
    if not can_review_paper_matches(request.user):
        raise PermissionDenied
    tab = _paper_tab(request.GET.get("status", ""))
    counts = PaperMatch.objects.counts()
    counts[PaperMatch.Status.PENDING] += counts.pop(PaperMatch.Status.SEARCHING)
    tabs = [(status, PaperMatch.Status(status).label, counts[status]) for status in PAPER_TABS]
    page = Paginator(PaperMatch.objects.for_review().in_tab(tab), PAPERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"tab": tab, "tabs": tabs, "page": page}
    return render(request, "papers/matches.html", context)


def _paper_decision(request: HtmxHttpRequest, match_id: int, decide) -> HttpResponse:
    """Run an organizer's decision on one match; answer with its row (htmx) or the page."""
    if not can_review_paper_matches(request.user):
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
    if request.POST.get("paper"):  # decided on the paper's page: back there
        messages.add_message(request, level, notice)
        paper = Paper.objects.filter(paper_match__pk=match.pk).first()
        return redirect(paper or reverse("papers:library"))
    if not request.htmx:
        messages.add_message(request, level, notice)
        return redirect(f"{reverse('papers:matches')}?status={tab}")
    match = PaperMatch.objects.for_review().get(pk=match.pk)
    context = {"match": match, "tab": tab, "notice": notice}
    response = render(request, "papers/matches.html#paper-match", context, status=status)
    return trigger_client_event(response, "paper-matches-changed")


@login_required
@require_POST
def paper_match_confirm(request: HtmxHttpRequest, match_id: int):
    def decide(match):
        match = paper_match_services.paper_match_confirm(
            match=match, arxiv_id=request.POST.get("arxiv_id", ""), by=request.user
        )
        if match.status == PaperMatch.Status.SUPERSEDED:
            return _("このトピックにはすでにURLがあるため、変更しませんでした。"), messages.INFO
        if match.topic_id is None:
            return _("この論文を arXiv:%(id)s にしました。") % {
                "id": match.arxiv_id
            }, messages.SUCCESS
        return _("arXiv:%(id)s をトピックのURLにしました。") % {
            "id": match.arxiv_id
        }, messages.SUCCESS

    return _paper_decision(request, match_id, decide)


@login_required
@require_POST
def paper_match_dismiss(request: HtmxHttpRequest, match_id: int):
    def decide(match):
        paper_match_services.paper_match_dismiss(match=match, by=request.user)
        if match.topic_id is None:
            return _("該当なしにしました。論文はIDなしのままです。"), messages.SUCCESS
        return _("該当なしにしました。トピックはURLなしのままです。"), messages.SUCCESS

    return _paper_decision(request, match_id, decide)


@login_required
@require_POST
def paper_match_search_again(request: HtmxHttpRequest, match_id: int):
    def decide(match):
        paper_match_services.paper_match_search_again(match=match)
        return _("もう一度検索します。結果は少し後にこのページに出ます。"), messages.SUCCESS

    return _paper_decision(request, match_id, decide)


@require_GET
def earlier_presentations(request: HtmxHttpRequest):
    """The add form asks, while a URL is typed, whether the group has presented it before."""
    url = request.GET.get("url", "").strip()
    found = selectors.earlier_presentations_of_url(url, before=today()) if url else []
    return render(request, "papers/earlier_presentations.html", {"earlier_presentations": found})
