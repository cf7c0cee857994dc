"""Slides and recordings after the meeting: the presenter (or an organizer) adds them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.requests import MemberRequest
from apps.core.htmx import require
from apps.core.redirects import redirect_back
from apps.topics.forms import MaterialsForm
from apps.topics.materials import materials_add
from apps.topics.models import SlidesUpload, Topic
from apps.topics.permissions import can_edit_topic


@login_required
@require_http_methods(["GET", "POST"])
def topic_materials(request: MemberRequest, topic_id: int):
    topic = get_object_or_404(
        Topic.objects.live().select_related("block__meeting", "block__presenter"), pk=topic_id
    )
    require(can_edit_topic(request.user, topic))
    form = MaterialsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        materials_add(
            topic=topic,
            by=request.user,
            slides_url=form.cleaned_data["slides_url"],
            recording_url=form.cleaned_data["recording_url"],
            pdf=form.cleaned_data["pdf"],
        )
        messages.success(request, _("資料を追加しました。"))
        return redirect_back(request, f"{topic.block.meeting.get_absolute_url()}#{topic.anchor}")
    status = 422 if form.errors else 200
    return render(
        request, "topics/materials_page.html", {"topic": topic, "form": form}, status=status
    )


@require_GET
def slides_file(request: MemberRequest, upload_id: int):
    """The uploaded PDF, behind the board's login like every page (not a public media URL)."""
    upload = get_object_or_404(SlidesUpload, pk=upload_id, topic__deleted_at__isnull=True)
    response = FileResponse(upload.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, upload.name) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=24 * 3600)
    return response


@require_GET
def slides_thumbnail(request: MemberRequest, upload_id: int):
    upload = get_object_or_404(SlidesUpload, pk=upload_id)
    if not upload.thumbnail:
        raise Http404
    response = FileResponse(upload.thumbnail.open("rb"), content_type="image/webp")
    patch_cache_control(response, private=True, max_age=7 * 24 * 3600, immutable=True)
    return response
