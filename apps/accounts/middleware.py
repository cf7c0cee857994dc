from __future__ import annotations

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware


class BoardAccessMiddleware(LoginRequiredMiddleware):
    """Every page needs a login: the board is company-internal.

    With BOARD_PUBLIC_READ on, anyone may read (GET/HEAD); writes still need a login,
    which each write view checks itself.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.BOARD_PUBLIC_READ and request.method in ("GET", "HEAD"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
