"""What every inline (htmx) view of the board does the same way.

Views answer an htmx request with the partial they replace and a plain POST with a redirect,
so every action also works without JavaScript. The pieces here keep that contract in one place:
announcing a change to the page, showing a failed form in place (422), and the edit flow of a
versioned object (topic, remark, main topic).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from .forms import VersionedForm, save_versioned

T = TypeVar("T")


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (`request.htmx` is always there)."""

    htmx: HtmxDetails


def require(allowed: bool) -> None:
    """Refuse with 403: the page hides what a member cannot do, the server still checks."""
    if not allowed:
        raise PermissionDenied


def changed(response: HttpResponse, message: str) -> HttpResponse:
    """Tell the page that the board changed (it refreshes other regions) and announce it."""
    trigger_client_event(response, "board-changed")
    trigger_client_event(response, "announce", {"message": message})
    return response


def form_error(
    request: HtmxHttpRequest, template: str, context: dict[str, Any], *, target: str
) -> HttpResponse:
    """A form that failed, shown again with its messages: in place of `target` under htmx."""
    response = render(request, template, context, status=422)
    if request.htmx:
        retarget(response, target)
        reswap(response, "outerHTML")
    return response


def save_inline_edit(
    request: HtmxHttpRequest,
    *,
    form: VersionedForm,
    template: str,
    context: dict[str, Any],
    target: str,
    save: Callable[[dict[str, Any]], T],
    saved_region: Callable[[T], HttpResponse],
    saved_url: Callable[[T], str],
    saved_message: str = "",
) -> HttpResponse:
    """Save an edit made against a version; the flow every editable region shares.

    Saved: the fresh region (htmx) or a redirect to it. Invalid or stale: the form again,
    with the newer version beside the member's text on a conflict (see save_versioned).
    """
    saved = save_versioned(form, context, save)
    if saved is None:
        return form_error(request, template, context, target=target)
    if not request.htmx:
        if saved_message:
            messages.success(request, saved_message)
        return redirect(saved_url(saved))
    return changed(saved_region(saved), _("保存しました。"))
