"""Meetings as organizers create and edit them, and the list of all meetings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.core.htmx import HtmxHttpRequest

from . import selectors, services
from .forms import MeetingForm
from .models import Meeting
from .permissions import can_manage_meetings


def meeting_list(request: HtmxHttpRequest):
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
def meeting_create(request: HtmxHttpRequest):
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
def meeting_edit(request: HtmxHttpRequest, date):
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
