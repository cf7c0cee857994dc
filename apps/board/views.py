"""The board: one meeting's page, as every member sees it, cached per revision and viewer."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.core.htmx import HtmxHttpRequest
from apps.group.selectors import group_settings
from apps.meetings.models import Meeting
from apps.meetings.selectors import next_meeting, today
from apps.papers.selectors import attach_earlier_presentations
from apps.topics.forms import TopicForm
from apps.topics.models import Topic
from apps.topics.permissions import can_add_topic

from . import board_cache, selectors


def home(request: HtmxHttpRequest):
    meeting = next_meeting(on=today())
    if meeting is None:
        return render(request, "meetings/empty.html")
    return render_board(request, meeting.date)


def meeting_detail(request: HtmxHttpRequest, date):
    return render_board(request, date)


def render_board(request: HtmxHttpRequest, date, *, remark_forms=None, status=200):
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


def _hm(moment) -> str:
    return f"{moment:%H:%M}"


def schedule(meeting: Meeting) -> dict[str, object]:
    """When the meeting runs and until when topics are taken, as the group's clock shows them."""
    group = group_settings()
    start = group.meeting_start(meeting.date)
    end = group.meeting_end(meeting.date, meeting.length_minutes)
    deadline = group.topic_deadline(meeting.date)
    return {
        "start": _hm(start),
        "end": _hm(end),
        "minutes": meeting.length_minutes,
        "deadline": f"{deadline.month}/{deadline.day} {_hm(deadline)}",
        "deadline_iso": deadline.isoformat(),
        "deadline_passed": timezone.now() >= deadline,
    }


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
        "schedule": schedule(meeting),
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
def meeting_revision(request: HtmxHttpRequest, date):
    """What open boards poll: one number that changes with every write to the board."""
    revision = Meeting.objects.filter(date=date).values_list("revision", flat=True).first()
    if revision is None:
        raise Http404
    return JsonResponse({"revision": revision})
