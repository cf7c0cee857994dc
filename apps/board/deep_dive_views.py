from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core.htmx import HtmxHttpRequest, require, save_inline_edit
from apps.deepdives.forms import DeepDiveForm
from apps.deepdives.models import DeepDive
from apps.deepdives.permissions import can_edit_deep_dive
from apps.deepdives.services import deep_dive_update

SECTION = "deepdives/section.html#deep-dive"


def _deep_dive(deep_dive_id: int) -> DeepDive:
    return get_object_or_404(
        DeepDive.objects.select_related("meeting", "presenter", "link").prefetch_related(
            "remarks__author"
        ),
        pk=deep_dive_id,
    )


@require_http_methods(["GET"])
def deep_dive_section(request: HtmxHttpRequest, deep_dive_id: int):
    deep_dive = _deep_dive(deep_dive_id)
    if not request.htmx:
        return redirect(f"{deep_dive.meeting.get_absolute_url()}#deep-dive")
    return _section(request, deep_dive)


@login_required
@require_http_methods(["GET", "POST"])
def deep_dive_edit(request: HtmxHttpRequest, deep_dive_id: int):
    deep_dive = _deep_dive(deep_dive_id)
    require(can_edit_deep_dive(request.user, deep_dive))
    template = (
        "deepdives/section.html#deep-dive-form" if request.htmx else "deepdives/form_page.html"
    )
    if request.method == "GET":
        return render(
            request, template, {"form": DeepDiveForm(instance=deep_dive), "deep_dive": deep_dive}
        )
    form = DeepDiveForm(request.POST, instance=DeepDive(pk=deep_dive.pk, meeting=deep_dive.meeting))
    return save_inline_edit(
        request,
        form=form,
        template=template,
        context={"form": form, "deep_dive": deep_dive},
        target="#deep-dive",
        save=lambda data: deep_dive_update(
            deep_dive=deep_dive,
            expected_version=data["version"],
            title=data["title"],
            paper_url=data["paper_url"],
            body=data["body"],
        ),
        saved_region=lambda saved: _section(request, _deep_dive(saved.pk)),
        saved_url=lambda saved: f"{saved.meeting.get_absolute_url()}#deep-dive",
        saved_message=_("メインTOPICを保存しました。"),
    )


def _section(request: HtmxHttpRequest, deep_dive: DeepDive):
    return render(request, SECTION, {"deep_dive": deep_dive, "meeting": deep_dive.meeting})
