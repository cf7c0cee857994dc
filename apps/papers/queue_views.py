"""The reading queue (/queue/) and the 聞きたい buttons on papers and topic cards.

Every action is a form POST: htmx swaps the button (or the queue row) in place, and without
JavaScript the page comes back with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.requests import MemberRequest
from apps.core.htmx import HtmxHttpRequest, require
from apps.core.redirects import redirect_back
from apps.meetings.selectors import today
from apps.topics.models import Topic

from . import queue, queue_selectors
from .forms import QueueProposalForm
from .models import Paper, QueueEntry, Tag
from .permissions import can_vote, can_withdraw_entry

ENTRIES_PER_PAGE = 30


def _wants_on(request: HtmxHttpRequest) -> bool:
    return request.POST.get("on", "1") != "0"


def _queue_page_context(request: HtmxHttpRequest, *, form=None) -> dict:
    tag_slug = request.GET.get("tag", "")[:500]
    page = Paginator(queue_selectors.queue_entries(tag=tag_slug), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    viewer = request.user if request.user.is_authenticated else None
    return {
        "page": page,
        "states": queue_selectors.entry_vote_states(page.object_list, viewer=viewer),
        "claimed": queue_selectors.claimed_entries(on=today()),
        "tag": Tag.objects.filter(slug=tag_slug).first() if tag_slug else None,
        "tags": queue_selectors.queue_tags(),
        "form": form or QueueProposalForm(),
        "can_vote": can_vote(request.user),
        "next_meeting": queue.next_open_meeting(),
    }


@require_safe
def queue_page(request: HtmxHttpRequest):
    return render(request, "papers/queue.html", _queue_page_context(request))


@login_required
@require_POST
def queue_propose(request: MemberRequest):
    require(can_vote(request.user))
    form = QueueProposalForm(request.POST)
    if form.is_valid():
        try:
            proposal = queue.queue_propose(
                member=request.user, url=form.cleaned_data["url"], text=form.cleaned_data["text"]
            )
        except queue.QueueError as exc:
            form.add_error(None, str(exc))
        else:
            if proposal.created:
                messages.success(request, _("聞きたいリストに追加しました。"))
            else:
                messages.info(request, _("すでにリストにありました。聞きたいに1票入れました。"))
            return redirect(f"{reverse('papers:queue')}#{proposal.entry.anchor}")
    context = _queue_page_context(request, form=form)
    return render(request, "papers/queue.html", context, status=422)


def _vote_response(request, *, template_context: dict, fallback: str, error: str = ""):
    if request.htmx:
        status = 409 if error else 200
        context = {**template_context, "vote_error": error}
        return render(request, "papers/_vote.html#vote-button", context, status=status)
    if error:
        messages.error(request, error)
    return redirect_back(request, fallback)


def _entry_vote_context(request, entry_id: int) -> dict:
    entry = QueueEntry.objects.filter(pk=entry_id).first()
    states = queue_selectors.entry_vote_states([entry], viewer=request.user) if entry else {}
    return {
        "vote": states.get(entry_id, queue_selectors.VoteState()),
        "action": reverse("papers:queue-vote", args=[entry_id]),
        "slot": f"entry-{entry_id}",  # QueueEntry.anchor
        "open": entry is not None and entry.status == QueueEntry.Status.OPEN,
    }


@login_required
@require_POST
def entry_vote(request: MemberRequest, entry_id: int):
    require(can_vote(request.user))
    error = ""
    try:
        queue.vote_entry(entry_id=entry_id, member=request.user, on=_wants_on(request))
    except queue.QueueError as exc:
        error = str(exc)
    return _vote_response(
        request,
        template_context=_entry_vote_context(request, entry_id),
        fallback=reverse("papers:queue"),
        error=error,
    )


@login_required
@require_POST
def paper_vote(request: MemberRequest, paper_id: int):
    require(can_vote(request.user))
    paper = get_object_or_404(Paper, pk=paper_id)
    queue.vote_paper(paper=paper, member=request.user, on=_wants_on(request))
    _entry, state = queue_selectors.paper_vote(paper, viewer=request.user)
    context = {
        "vote": state,
        "action": reverse("papers:vote", args=[paper.pk]),
        "slot": f"paper-{paper.pk}",
        "open": True,
    }
    return _vote_response(request, template_context=context, fallback=paper.get_absolute_url())


@login_required
@require_POST
def topic_vote(request: MemberRequest, topic_id: int):
    require(can_vote(request.user))
    error = ""
    try:
        queue.vote_topic(topic_id=topic_id, member=request.user, on=_wants_on(request))
    except queue.QueueError as exc:
        error = str(exc)
    topic = Topic.objects.select_related("block__meeting").filter(pk=topic_id).first()
    fallback = (
        f"{topic.block.meeting.get_absolute_url()}#{topic.anchor}" if topic else reverse("home")
    )
    state = queue_selectors.VoteState()
    if topic is not None:
        states = queue_selectors.topic_vote_states(meeting=topic.block.meeting, viewer=request.user)
        state = states.get(topic.pk, state)
    context = {
        "vote": state,
        "action": reverse("papers:topic-vote", args=[topic_id]),
        "slot": f"topic-{topic_id}",
        "past": topic is not None and queue.topic_is_past(topic),
        "open": topic is not None and topic.deleted_at is None,
    }
    return _vote_response(request, template_context=context, fallback=fallback, error=error)


@login_required
@require_POST
def entry_claim(request: MemberRequest, entry_id: int):
    require(can_vote(request.user))
    try:
        topic = queue.queue_claim(entry_id=entry_id, member=request.user)
    except queue.QueueError as exc:
        messages.error(request, str(exc))
        return redirect_back(request, reverse("papers:queue"))
    messages.success(
        request,
        _("%(date)s の勉強会にトピックを追加しました。メモを書き足しましょう。")
        % {"date": f"{topic.block.meeting.date:%Y-%m-%d}"},
    )
    return redirect(f"{topic.block.meeting.get_absolute_url()}#{topic.anchor}")


@login_required
@require_POST
def entry_withdraw(request: MemberRequest, entry_id: int):
    require(can_withdraw_entry(request.user, get_object_or_404(QueueEntry, pk=entry_id)))
    try:
        queue.queue_withdraw(entry_id=entry_id, member=request.user)
    except queue.QueueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("リクエストを取り下げました。"))
    return redirect_back(request, reverse("papers:queue"))
