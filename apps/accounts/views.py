from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.htmx import HtmxHttpRequest  # noqa: F401

from . import selectors, services
from .forms import ProfileForm
from .models import User
from .permissions import can_hand_out_password_link, can_manage_members
from .requests import MemberRequest


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: MemberRequest):
    """A member changes their display name (the admin and organizers handle the rest)."""
    form = ProfileForm(request.POST or None, initial={"display_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        services.member_rename(member=request.user, display_name=form.cleaned_data["display_name"])
        messages.success(request, _("表示名を変更しました。"))
        return redirect("me")
    status = 422 if form.is_bound else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@login_required
def members(request: MemberRequest):
    """Organizers see every member, whose login is locked, and unlock it."""
    if not can_manage_members(request.user):
        raise PermissionDenied
    lockouts = selectors.login_lockouts()
    locked_names = {lock.value for lock in lockouts if lock.kind == "username"}
    context = {
        "members": selectors.members_for_organizers(),
        "lockouts": lockouts,
        "locked_names": locked_names,
    }
    return render(request, "accounts/members.html", context)


@login_required
@require_POST
def member_unlock(request: MemberRequest):
    if not can_manage_members(request.user):
        raise PermissionDenied
    username = request.POST.get("username", "").strip().lower()
    ip_address = request.POST.get("ip_address", "").strip()
    if services.login_unlock(username=username, ip_address=ip_address):
        who = username or ip_address
        messages.success(request, _("%(who)s のログインのロックを解除しました。") % {"who": who})
    else:
        messages.info(request, _("ロックされたログインは見つかりませんでした。"))
    return redirect("members")


@login_required
@require_POST
def member_password_link(request: MemberRequest, member_id: int):
    """Show a one-time link that lets a member without a password set one; the organizer
    hands it over (chat, in person). It is shown once, never stored or sent by the board."""
    member = get_object_or_404(User, pk=member_id)
    if not can_hand_out_password_link(request.user, member):
        raise PermissionDenied
    url = settings.SITE_URL.rstrip("/") + services.password_link_path(member=member)
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    context = {"member": member, "url": url, "days": days}
    return render(request, "accounts/password_link.html", context)
