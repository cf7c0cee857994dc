from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.accounts.permissions import can_add_topic, can_manage_meetings
from apps.links.selectors import attach_earlier_presentations
from apps.topics.forms import TopicForm
from apps.topics.models import Topic

from . import board_cache, selectors, services
from .forms import MeetingForm
from .models import Meeting


def home(request):
    meeting = selectors.next_meeting(on=selectors.today())
    if meeting is None:
        return render(request, "meetings/empty.html")
    return render_board(request, meeting.date)


def meeting_detail(request, date):
    return render_board(request, date)


def render_board(request, date, *, remark_forms=None, status=200):
    head = selectors.meeting_head(date=date)
    if head is None:
        raise Http404(_("この日の勉強会はありません。"))
    undo_topic = _undo_topic(request)
    # A board with a failed form or an undo offer is one person's moment: never cached.
    cacheable = not remark_forms and undo_topic is None
    key = {"meeting_id": head.pk, "revision": head.revision}
    body = board_cache.cached_body(request, **key) if cacheable else None
    if body is None:
        body = _render_board_body(request, date, remark_forms=remark_forms, undo_topic=undo_topic)
        if cacheable:
            board_cache.store_body(request, body=body, **key)
    return render(
        request, "meetings/board.html", {"meeting": head, "board_body": body}, status=status
    )


def _render_board_body(request, date, *, remark_forms, undo_topic) -> str:
    meeting = selectors.meeting_board(date=date)
    if meeting is None:  # deleted between the two reads
        raise Http404(_("この日の勉強会はありません。"))
    attach_earlier_presentations(
        (topic for block in meeting.blocks.all() for topic in block.topics.all()),
        before=meeting.date,
    )
    context = {
        "meeting": meeting,
        "remark_forms": remark_forms or {},
        "add_form": TopicForm() if can_add_topic(request.user, meeting) else None,
        "undo_topic": undo_topic,
    }
    return render_to_string("meetings/board.html#board-body", context, request)


def _undo_topic(request):
    """After a delete without JavaScript, the board offers to restore the topic once."""
    topic_id = request.session.pop("undo_topic_id", None) if hasattr(request, "session") else None
    if topic_id is None:
        return None
    return Topic.objects.filter(pk=topic_id, deleted_at__isnull=False).first()


@never_cache
def meeting_revision(request, date):
    """What open boards poll: one number that changes with every write to the board."""
    revision = Meeting.objects.filter(date=date).values_list("revision", flat=True).first()
    if revision is None:
        raise Http404
    return JsonResponse({"revision": revision})


def meeting_list(request):
    upcoming, past_by_year = selectors.meetings_by_year(on=selectors.today())
    return render(
        request, "meetings/list.html", {"upcoming": upcoming, "past_by_year": past_by_year}
    )


def _save_form(form: MeetingForm, save) -> Meeting | None:
    """Run a service from a valid form; model errors found there go back into the form."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@login_required
def meeting_create(request):
    if not can_manage_meetings(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        meeting = _save_form(form, lambda data: services.meeting_create(**data))
        if meeting is not None:
            messages.success(request, _("勉強会を作成しました。"))
            return redirect(meeting)
    return render(request, "meetings/form.html", {"form": form, "creating": True})


@login_required
def meeting_edit(request, date):
    if not can_manage_meetings(request.user):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting, date=date)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST":
        saved = _save_form(form, lambda data: services.meeting_update(meeting=meeting, **data))
        if saved is not None:
            messages.success(request, _("勉強会を更新しました。"))
            return redirect(saved)
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting})
