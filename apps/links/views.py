from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from apps.core.htmx import HtmxHttpRequest

from . import embeds, services
from .models import Link

SLOT = re.compile(r"^(topic-\d+|deep-dive)$")


def _slot(request: HtmxHttpRequest) -> str:
    slot = request.GET.get("slot", "")
    if not SLOT.match(slot):
        raise Http404
    return slot


@require_GET
def link_card(request: HtmxHttpRequest, link_id: int):
    """The card region a waiting topic polls until its link is fetched."""
    link = get_object_or_404(Link, pk=link_id)
    return render(request, "links/card.html#link-card", {"link": link, "slot": _slot(request)})


@login_required
@require_POST
def link_retry(request: HtmxHttpRequest, link_id: int):
    link = get_object_or_404(Link, pk=link_id)
    if link.status == Link.Status.FAILED:
        services.link_mark_pending(link=link)
        services.enqueue_fetch_on_commit(link)
    return render(request, "links/card.html#link-card", {"link": link, "slot": _slot(request)})


@require_GET
def link_thumbnail(request: HtmxHttpRequest, link_id: int):
    link = get_object_or_404(Link, pk=link_id)
    if not link.thumbnail:
        raise Http404
    response = FileResponse(link.thumbnail.open("rb"), content_type="image/webp")
    # The file name changes with every new thumbnail, so the browser may keep it a long time.
    patch_cache_control(response, private=True, max_age=7 * 24 * 3600, immutable=True)
    return response


@require_GET
def link_embed(request: HtmxHttpRequest, link_id: int):
    """The player of a slide deck or video, loaded only when a member asks for it."""
    link = get_object_or_404(Link, pk=link_id, status=Link.Status.OK)
    if not embeds.safe_embed(link.extra.get("embed")):
        raise Http404
    template = "links/embed.html#embed-frame" if request.htmx else "links/embed.html"
    return render(request, template, {"link": link, "sandbox": embeds.SANDBOX})
