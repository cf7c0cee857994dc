from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core.htmx import HtmxHttpRequest  # noqa: F401

from .forms import ProfileForm
from .requests import MemberRequest
from .services import member_rename


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: MemberRequest):
    """A member changes their display name (the admin and organizers handle the rest)."""
    form = ProfileForm(request.POST or None, initial={"display_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        member_rename(member=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, _("表示名を変更しました。"))
        return redirect("me")
    status = 422 if form.is_bound else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)
