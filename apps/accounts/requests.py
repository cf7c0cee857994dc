"""The request a view behind login_required receives, typed for the board's own member model."""

from __future__ import annotations

from apps.core.htmx import HtmxHttpRequest

from .models import User


class MemberRequest(HtmxHttpRequest):
    """A request to a view behind login_required: `user` is a member, never anonymous."""

    user: User
