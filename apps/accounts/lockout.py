"""How django-axes counts and answers failed logins (settings: AXES_*)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def login_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The name a failure is counted under: `FR ` and `fr` are one account to an attacker too."""
    name = (credentials or {}).get("username")
    if name is None:
        name = request.POST.get("username", "")
    return str(name).strip().lower()[:150]


def client_address(request: HttpRequest) -> str:
    header = settings.LOGIN_CLIENT_IP_HEADER
    value = request.META.get(header) or request.META.get("REMOTE_ADDR", "")
    # A proxy appends the address it saw: the last entry is the one a client cannot forge.
    return str(value).split(",")[-1].strip()[:45]


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "ログインの失敗が続いたため、しばらくログインできません。"
        "%(minutes)d分ほど待ってからもう一度お試しください。"
        "急ぐときは運営にロックの解除を頼んでください。"
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The login page again, with one message that is the same for every name: a lockout must
    not tell whether the account exists, has a password, or what it was."""
    form = AuthenticationForm(request)
    form.errors["__all__"] = form.error_class([lockout_message()])
    context = {"form": form, "next": request.POST.get("next", ""), "locked_out": True}
    return render(request, "accounts/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
