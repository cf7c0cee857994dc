from __future__ import annotations

from django.conf import settings

from apps.accounts.permissions import is_organizer


def board(request):
    user = getattr(request, "user", None)
    return {
        "group_name": settings.GROUP_NAME,
        "user_is_organizer": bool(user is not None and is_organizer(user)),
    }
