"""Requests the app refuses before any view sees them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is answered 400 with a sentence.

    No URL of the board holds one, and PostgreSQL refuses it in any text it is asked to
    compare, so a view passing it on would otherwise answer 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                _("URLに使えない文字 (NUL) が含まれています。"),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
