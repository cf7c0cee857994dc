"""Carry-over: after a meeting is held, topics it did not reach go to the next one.

Nothing moves by itself: the presenter moves their own topics (from マイページ), or an
organizer moves them for everyone (from the held meeting's agenda)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.requests import MemberRequest
from apps.core.redirects import redirect_back
from apps.meetings.models import Meeting
from apps.meetings.permissions import can_manage_meetings
from apps.meetings.services import next_meeting_after
from apps.topics.services import carry_over_candidates, topics_carry_over


@login_required
@require_POST
def meeting_carry_over(request: MemberRequest, date):
    meeting = get_object_or_404(Meeting, date=date)
    offered = carry_over_candidates(meeting)
    if not can_manage_meetings(request.user):
        if not meeting.blocks.filter(presenter=request.user).exists():
            raise PermissionDenied
        offered = [t for t in offered if t.block.presenter_id == request.user.pk]
    chosen = set(request.POST.getlist("topic"))
    if chosen:
        offered = [t for t in offered if str(t.pk) in chosen]
    target = next_meeting_after(meeting)
    if target is None:
        messages.error(request, _("次の勉強会がまだありません。運営が作成すると回せます。"))
    elif not offered:
        messages.info(request, _("次回へ回すトピックはもうありません。"))
    else:
        topics_carry_over(topics=offered, to=target)
        messages.success(
            request,
            _("%(count)s件のトピックを %(date)s の勉強会に回しました。コメントもそのままです。")
            % {"count": len(offered), "date": f"{target.date:%Y-%m-%d}"},
        )
    return redirect_back(
        request, target.get_absolute_url() if target and offered else reverse("me")
    )
