"""The organizers' agenda builder and meeting-day mode.

Every write answers an htmx request with the builder region re-rendered from the database,
so that after two organizers act at once each sees the newest order; a plain POST redirects.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from apps.core.htmx import HtmxHttpRequest
from apps.deepdives.models import DeepDive
from apps.deepdives.selectors import absent_member_ids, rotation_queue
from apps.deepdives.services import deep_dive_assign
from apps.meetings import services
from apps.meetings.models import Meeting
from apps.meetings.permissions import can_manage_meetings
from apps.meetings.selectors import today
from apps.topics.models import Topic
from apps.topics.services import (
    agenda_apply_order,
    carry_over_candidates,
    topic_move_in_block,
    topic_move_to_meeting,
    topic_set_budget,
)

from . import agenda

BUILDER = "meetings/agenda.html#agenda-builder"


class BudgetForm(forms.Form):
    minutes = forms.IntegerField(required=False, min_value=1, max_value=240)
    if_time_allows = forms.BooleanField(required=False)


class MainTopicForm(forms.Form):
    presenter = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True), label=gettext_lazy("発表者")
    )
    paper_url = forms.URLField(required=False, max_length=2000, label=gettext_lazy("論文URL"))
    minutes = forms.IntegerField(
        min_value=1, max_value=240, initial=30, label=gettext_lazy("持ち時間 (分)")
    )


class LengthForm(forms.Form):
    length_minutes = forms.IntegerField(min_value=10, max_value=600)


def _organizer_meeting(request: HtmxHttpRequest, date) -> Meeting:
    if not can_manage_meetings(request.user):
        raise PermissionDenied
    return get_object_or_404(Meeting, date=date)


def _builder_context(meeting: Meeting, **extra) -> dict:
    meeting = Meeting.objects.select_related("deep_dive__presenter").get(pk=meeting.pk)
    deep_dive = DeepDive.objects.filter(meeting=meeting).first()
    initial = (
        {
            "presenter": deep_dive.presenter_id,
            "paper_url": deep_dive.paper_url,
            "minutes": deep_dive.minutes,
        }
        if deep_dive
        else {}
    )
    return {
        "meeting": meeting,
        "agenda": agenda.agenda_for(meeting),
        "status_moves": sorted(
            services.STATUS_MOVES.get(meeting.status, ()), key=list(Meeting.Status).index
        ),
        "main_topic_form": extra.pop("main_topic_form", None) or MainTopicForm(initial=initial),
        "rotation": rotation_queue(today=today())[:8],
        "away": absent_member_ids(date=meeting.date),
        "suggestions": agenda.rotation_suggestions(today=today()),
        "next_meeting": services.next_meeting_after(meeting),
        "carry_over": carry_over_candidates(meeting),
        **extra,
    }


def _order_changed(request: HtmxHttpRequest, meeting: Meeting, message: str):
    """A reorder answers with the new order only: the page moves its rows, nothing re-renders."""
    if not request.htmx:
        return _respond(request, meeting, message=message)
    response = HttpResponse("")
    trigger_client_event(response, "agenda-order", agenda.agenda_order(meeting))
    trigger_client_event(response, "announce", {"message": message})
    return response


def _respond(
    request: HtmxHttpRequest, meeting: Meeting, *, message: str = "", error: str = "", **extra
):
    if request.htmx:
        context = _builder_context(meeting, notice=message, error=error, **extra)
        return render(request, BUILDER, context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect("meetings:agenda", date=meeting.date)


@login_required
@require_GET
def agenda_page(request: HtmxHttpRequest, date):
    meeting = _organizer_meeting(request, date)
    return render(request, "meetings/agenda.html", _builder_context(meeting))


def _step_or_index(request: HtmxHttpRequest, ids: list[int], item: int) -> int:
    """A drag sends the new index; the ↑/↓ buttons send a step."""
    if "to_index" in request.POST:
        try:
            return int(request.POST["to_index"])
        except ValueError as exc:
            raise ValidationError(_("並べ替えの指定が正しくありません。")) from exc
    step = -1 if request.POST.get("direction") == "up" else 1
    return services.index_after_step(ids, item, step)


@login_required
@require_POST
def agenda_move_block(request: HtmxHttpRequest, date):
    meeting = _organizer_meeting(request, date)
    try:
        block_id = int(request.POST.get("block", ""))
        ids = list(meeting.blocks.order_by("position", "pk").values_list("pk", flat=True))
        if block_id not in ids:
            raise ValidationError(_("この勉強会の発表者ではありません。"))
        services.agenda_move_block(
            meeting=meeting, block_id=block_id, to_index=_step_or_index(request, ids, block_id)
        )
    except (ValueError, ValidationError) as exc:
        return _respond(request, meeting, error=_message(exc, _("並べ替えできませんでした。")))
    return _order_changed(request, meeting, _("発表順を変更しました。"))


@login_required
@require_POST
def agenda_order_by_votes(request: HtmxHttpRequest, date):
    """One button: the order most members want to hear, as a starting point."""
    meeting = _organizer_meeting(request, date)
    block_ids, topic_ids = agenda.order_by_interest(agenda.agenda_for(meeting))
    agenda_apply_order(meeting=meeting, block_ids=block_ids, topic_ids=topic_ids)
    return _respond(
        request,
        meeting,
        message=_("聞きたいの多い順に並べました。ドラッグや ↑↓ で調整できます。"),
    )


def _meeting_topic(meeting: Meeting, raw_id: str) -> Topic:
    try:
        topic_id = int(raw_id)
    except ValueError as exc:
        raise ValidationError(_("トピックが見つかりません。")) from exc
    topic = (
        Topic.objects.live()
        .select_related("block__meeting", "block__presenter")
        .filter(pk=topic_id)
        .first()
    )
    if topic is None or topic.block.meeting_id != meeting.pk:
        raise ValidationError(_("この勉強会のトピックではありません。"))
    return topic


@login_required
@require_POST
def agenda_move_topic(request: HtmxHttpRequest, date):
    meeting = _organizer_meeting(request, date)
    try:
        topic = _meeting_topic(meeting, request.POST.get("topic", ""))
        ids = list(
            Topic.objects.live()
            .filter(block_id=topic.block_id)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        topic_move_in_block(topic=topic, to_index=_step_or_index(request, ids, topic.pk))
    except ValidationError as exc:
        return _respond(request, meeting, error=_message(exc, _("並べ替えできませんでした。")))
    return _order_changed(request, meeting, _("トピックの順番を変更しました。"))


@login_required
@require_POST
def agenda_topic_budget(request: HtmxHttpRequest, date, topic_id: int):
    meeting = _organizer_meeting(request, date)
    form = BudgetForm(request.POST)
    try:
        topic = _meeting_topic(meeting, str(topic_id))
        if not form.is_valid():
            raise ValidationError(_("持ち時間は1〜240分で入力してください。"))
        topic_set_budget(
            topic=topic,
            minutes=form.cleaned_data["minutes"],
            if_time_allows=form.cleaned_data["if_time_allows"],
        )
    except ValidationError as exc:
        return _respond(request, meeting, error=_message(exc, _("保存できませんでした。")))
    return _respond(
        request,
        meeting,
        message=_("「%(title)s」の時間を保存しました。") % {"title": topic.display_title},
    )


@login_required
@require_POST
def agenda_topic_to_next(request: HtmxHttpRequest, date, topic_id: int):
    meeting = _organizer_meeting(request, date)
    try:
        topic = _meeting_topic(meeting, str(topic_id))
        target = services.next_meeting_after(meeting)
        if target is None:
            raise ValidationError(_("次の勉強会がまだありません。先に勉強会を作成してください。"))
        topic_move_to_meeting(topic=topic, meeting=target)
    except ValidationError as exc:
        return _respond(request, meeting, error=_message(exc, _("移動できませんでした。")))
    return _respond(
        request,
        meeting,
        message=_("「%(title)s」を %(date)s の勉強会に移しました。")
        % {"title": topic.display_title, "date": target.date},
    )


@login_required
@require_POST
def agenda_main_topic(request: HtmxHttpRequest, date):
    meeting = _organizer_meeting(request, date)
    form = MainTopicForm(request.POST)
    if not form.is_valid():
        return _respond(
            request, meeting, error=_("メインTOPICの入力を確認してください。"), main_topic_form=form
        )
    data = form.cleaned_data
    deep_dive_assign(
        meeting=meeting,
        presenter=data["presenter"],
        paper_url=data["paper_url"],
        minutes=data["minutes"],
    )
    return _respond(
        request,
        meeting,
        message=_("メインTOPICを %(name)s さんに割り当てました。") % {"name": data["presenter"]},
    )


@login_required
@require_POST
def agenda_status(request: HtmxHttpRequest, date):
    meeting = _organizer_meeting(request, date)
    status = request.POST.get("status", "")
    if status not in Meeting.Status.values:
        return _respond(request, meeting, error=_("状態の指定が正しくありません。"))
    try:
        meeting = services.meeting_set_status(meeting=meeting, status=status)
    except ValidationError as exc:
        return _respond(request, meeting, error=_message(exc, _("変更できませんでした。")))
    return _respond(
        request,
        meeting,
        message=_("状態を「%(status)s」にしました。") % {"status": meeting.get_status_display()},
    )


@login_required
@require_POST
def agenda_length(request: HtmxHttpRequest, date):
    meeting = _organizer_meeting(request, date)
    form = LengthForm(request.POST)
    if not form.is_valid():
        return _respond(request, meeting, error=_("会の時間は10〜600分で入力してください。"))
    services.meeting_set_length(meeting=meeting, length_minutes=form.cleaned_data["length_minutes"])
    return _respond(request, meeting, message=_("会の時間を保存しました。"))


def _message(exc: Exception, fallback: str) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages) or fallback
    return fallback
