from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.permissions import can_add_remark
from apps.deepdives.models import DeepDive
from apps.meetings.views import render_board

from .forms import RemarkForm
from .models import Topic
from .services import remark_create


def _add_remark(request, *, meeting, anchor: str, target: dict):
    if not can_add_remark(request.user):
        raise PermissionDenied
    form = RemarkForm(request.POST)
    if form.is_valid():
        try:
            remark_create(author=request.user, body=form.cleaned_data["body"], **target)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("コメントを追加しました。"))
            return redirect(f"{meeting.get_absolute_url()}#{anchor}")
    # Show the board again with the message inside the form that failed; keep the text.
    return render_board(request, meeting.date, remark_forms={anchor: form}, status=422)


@require_POST
@login_required
def topic_remark_create(request, topic_id: int):
    topic = get_object_or_404(Topic.objects.live().select_related("block__meeting"), pk=topic_id)
    return _add_remark(
        request, meeting=topic.block.meeting, anchor=topic.anchor, target={"topic": topic}
    )


@require_POST
@login_required
def deep_dive_remark_create(request, deep_dive_id: int):
    deep_dive = get_object_or_404(DeepDive.objects.select_related("meeting"), pk=deep_dive_id)
    return _add_remark(
        request, meeting=deep_dive.meeting, anchor="deep-dive", target={"deep_dive": deep_dive}
    )
