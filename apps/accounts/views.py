from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.meetings.selectors import today

from .selectors import my_page


@login_required
@require_GET
def me(request):
    """My upcoming and past topics, my main topics, and what I have been assigned."""
    return render(request, "accounts/me.html", {"page": my_page(member=request.user, today=today())})
