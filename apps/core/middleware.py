"""What the app does to a request before any view sees it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.translation import gettext as _


class RefuseNulMiddleware:
    """NUL characters: a path holding one is answered 400 with a sentence, and they are
    dropped from query parameters.

    No URL and no parameter of the board holds one, and PostgreSQL refuses NUL in any text it
    is asked to compare, so a view passing one on would otherwise answer 500. Dropping it
    keeps a search or a filter working, as it does for other control characters.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return HttpResponseBadRequest(
                _("URLに使えない文字 (NUL) が含まれています。"),
                content_type="text/plain; charset=utf-8",
            )
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            # The stubs type request.GET as their immutable QueryDict; this one is locked too.
            request.GET = cleaned  # type: ignore[assignment]
        return self.get_response(request)
