from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from apps.accounts.permissions import can_edit_deep_dive
from apps.core.forms import save_versioned
from apps.topics.views import changed

from .forms import DeepDiveForm
from .models import DeepDive
from .services import deep_dive_update

SECTION = "deepdives/section.html#deep-dive"


def _deep_dive(deep_dive_id: int) -> DeepDive:
    return get_object_or_404(
        DeepDive.objects.select_related("meeting", "presenter", "link").prefetch_related(
            "remarks__author"
        ),
        pk=deep_dive_id,
    )


@require_http_methods(["GET"])
def deep_dive_section(request, deep_dive_id: int):
    deep_dive = _deep_dive(deep_dive_id)
    if not request.htmx:
        return redirect(f"{deep_dive.meeting.get_absolute_url()}#deep-dive")
    return render(request, SECTION, {"deep_dive": deep_dive, "meeting": deep_dive.meeting})


@login_required
@require_http_methods(["GET", "POST"])
def deep_dive_edit(request, deep_dive_id: int):
    deep_dive = _deep_dive(deep_dive_id)
    if not can_edit_deep_dive(request.user, deep_dive):
        raise PermissionDenied
    template = (
        "deepdives/section.html#deep-dive-form" if request.htmx else "deepdives/form_page.html"
    )
    if request.method == "GET":
        return render(
            request, template, {"form": DeepDiveForm(instance=deep_dive), "deep_dive": deep_dive}
        )
    form = DeepDiveForm(request.POST, instance=DeepDive(pk=deep_dive.pk, meeting=deep_dive.meeting))
    context = {"form": form, "deep_dive": deep_dive}
    saved = save_versioned(
        form,
        context,
        lambda data: deep_dive_update(
            deep_dive=deep_dive,
            expected_version=data["version"],
            title=data["title"],
            paper_url=data["paper_url"],
            body=data["body"],
        ),
    )
    if saved is not None:
        if not request.htmx:
            messages.success(request, _("メインTOPICを保存しました。"))
            return redirect(f"{saved.meeting.get_absolute_url()}#deep-dive")
        fresh = _deep_dive(saved.pk)
        return changed(
            render(request, SECTION, {"deep_dive": fresh, "meeting": fresh.meeting}),
            _("保存しました。"),
        )
    response = render(request, template, context, status=422)
    if request.htmx:
        retarget(response, "#deep-dive")
        reswap(response, "outerHTML")
    return response
