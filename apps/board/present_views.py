"""Meeting-day mode: what is being presented now, its timer, and a view for screen sharing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.core.htmx import HtmxHttpRequest
from apps.deepdives.models import DeepDive
from apps.meetings import services
from apps.meetings.models import Meeting
from apps.meetings.permissions import can_manage_meetings
from apps.topics.services import topic_mark_reached

from . import agenda

MAIN = "main"  # the main topic's place in the running order: after every topic


Step = int | str  # a topic's id, or MAIN


def _steps(meeting: Meeting) -> list[Step]:
    """Topic ids in presenting order, then MAIN when the meeting has a main topic."""
    steps: list[Step] = [topic.pk for topic in agenda.running_order(meeting)]
    if DeepDive.objects.filter(meeting=meeting).exists():
        steps.append(MAIN)
    return steps


def _position(meeting: Meeting) -> Step | None:
    if meeting.current_started_at is None:
        return None
    return meeting.current_topic_id or MAIN


def present_context(meeting: Meeting) -> dict:
    order = agenda.agenda_for(meeting)
    items = [item for block in order.blocks for item in block.items]
    current = _position(meeting)
    current_item = next((item for item in items if item.topic.pk == current), None)
    deep_dive = DeepDive.objects.filter(meeting=meeting).select_related("presenter", "link").first()
    if current_item is not None:
        minutes = current_item.minutes
    elif current == MAIN and deep_dive:
        minutes = deep_dive.minutes
    else:
        minutes = 0
    return {
        "meeting": meeting,
        "items": items,
        "current": current,
        "current_item": current_item,
        "deep_dive": deep_dive,
        "main_is_current": current == MAIN,
        "timer_minutes": minutes,
    }


@require_GET
def meeting_present(request: HtmxHttpRequest, date):
    meeting = get_object_or_404(Meeting, date=date)
    template = "meetings/present.html#stage" if request.htmx else "meetings/present.html"
    return render(request, template, present_context(meeting))


@login_required
@require_POST
def meeting_step(request: HtmxHttpRequest, date):
    """next / prev / stop, or jump to a topic: the organizer runs the meeting."""
    if not can_manage_meetings(request.user):
        raise PermissionDenied
    meeting = get_object_or_404(Meeting, date=date)
    steps = _steps(meeting)
    current = _position(meeting)
    action = request.POST.get("step", "next")
    if action == "stop" or not steps:
        target = None
    elif action == "goto":
        wanted = request.POST.get("topic", "")
        target = MAIN if wanted == MAIN else next((s for s in steps if str(s) == wanted), current)
    else:
        index = steps.index(current) if current in steps else -1
        index = index + 1 if action == "next" else max(0, index - 1)
        target = steps[min(index, len(steps) - 1)]
    if target != current or action == "goto":
        if target is None:
            meeting = services.meeting_set_current_topic(meeting=meeting, topic_id=None)
        else:
            topic_id = None if isinstance(target, str) else target
            meeting = services.meeting_set_current_topic(
                meeting=meeting, topic_id=topic_id, main=target == MAIN
            )
            if topic_id is not None:
                topic_mark_reached(topic_id=topic_id)
    if request.htmx:
        return render(request, "meetings/present.html#stage", present_context(meeting))
    return redirect("meetings:present", date=meeting.date)
