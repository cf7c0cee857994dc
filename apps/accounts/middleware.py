from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
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


STARTED = "started_at"
SEEN = "seen_at"


def session_started(sender, request, user, **kwargs):
    """The hard cap counts from the login (the key is already new: login() cycles it)."""
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[SEEN] = int(time.time())


class SessionIdleMiddleware:
    """Sliding expiry without a write per request, and a hard cap on a session's life.

    A signed-in member's session expiry is moved to SESSION_COOKIE_AGE from now when it was
    last moved more than an hour ago; a session older than SESSION_MAX_AGE is ended.
    """

    REFRESH_SECONDS = 3600

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            started = session.setdefault(STARTED, now)
            if now - int(started) > settings.SESSION_MAX_AGE:
                logout(request)
            elif now - int(session.get(SEEN, 0)) > self.REFRESH_SECONDS:
                session[SEEN] = now  # saving the session moves its expiry forward
        return self.get_response(request)
