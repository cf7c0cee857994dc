"""A page's language: the member's choice, else the cookie's, else the group's; and its time zone.

Replaces Django's LocaleMiddleware on purpose: the browser's Accept-Language is not asked, so
a member whose browser says English still sees the group's Japanese until choosing English.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from .models import GroupSettings
from .selectors import request_row, saved_group_settings

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def chosen_language(request: HttpRequest, group: GroupSettings | None) -> str:
    user = getattr(request, "user", None)
    member_choice = getattr(user, "language", "") if user and user.is_authenticated else ""
    if member_choice in LANGUAGE_CODES:
        return member_choice
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in LANGUAGE_CODES:
        return cookie
    group_language = group.language if group else ""
    return group_language if group_language in LANGUAGE_CODES else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        group = saved_group_settings()
        memo = request_row.set(group)
        language = chosen_language(request, group)
        translation.activate(language)
        # Dates and times on every page are the group's local time, whatever the server's.
        timezone.activate(group.zone if group else settings.TIME_ZONE)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            request_row.reset(memo)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        translation.deactivate()
        timezone.deactivate()
        return response
