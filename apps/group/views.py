from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.requests import MemberRequest
from apps.accounts.services import member_language_set
from apps.core.htmx import HtmxHttpRequest
from apps.meetings.selectors import today
from apps.meetings.services import absences_set
from apps.topics.forms import MaterialsForm

from . import reminders, selectors, services
from .forms import GroupSettingsForm
from .middleware import LANGUAGE_CODES
from .models import Reminder
from .my_page import availability_dates, my_page
from .permissions import can_manage_group, can_subscribe_feeds


@login_required
def group_settings_page(request: HtmxHttpRequest):
    if not can_manage_group(request.user):
        raise PermissionDenied
    group = selectors.group_settings()
    form = GroupSettingsForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_settings_update(**form.service_fields())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("会の設定を保存しました。"))
            return redirect("group:settings")
    context = {
        "form": form,
        "group": selectors.group_settings() if form.errors else group,
        "reminders": selectors.recent_reminders(),
    }
    return render(request, "group/settings.html", context)


@login_required
def feeds_page(request: MemberRequest):
    if not can_subscribe_feeds(request.user):
        raise PermissionDenied
    token = services.feed_token_for(user=request.user).token
    base = settings.SITE_URL.rstrip("/")
    ical = f"{base}{reverse('group:feed-meetings')}?token={token}"
    atom = f"{base}{reverse('group:feed-topics')}?token={token}"
    context = {
        "ical_url": ical,
        # webcal:// makes a click open the calendar app's "subscribe" dialog.
        "webcal_url": "webcal://" + ical.split("://", 1)[1],
        "atom_url": atom,
    }
    return render(request, "group/feeds.html", context)


@login_required
@require_POST
def feeds_reset(request: MemberRequest):
    if not can_subscribe_feeds(request.user):
        raise PermissionDenied
    services.feed_token_reset(user=request.user)
    messages.success(request, _("フィードのURLを新しくしました。古いURLはもう使えません。"))
    return redirect("group:feeds")


@login_required
@require_POST
def reminder_resend(request: HtmxHttpRequest, reminder_id: int):
    if not can_manage_group(request.user):
        raise PermissionDenied
    get_object_or_404(Reminder, pk=reminder_id)
    if reminders.reminder_resend(reminder_id=reminder_id):
        messages.success(request, _("リマインダーをもう一度送ります。"))
    else:
        messages.error(request, _("送信済みか送信中のリマインダーは再送できません。"))
    return redirect("group:settings")


@login_required
@require_GET
def me(request: MemberRequest):
    """My upcoming and past topics, my main topics, and what I have been assigned."""
    context = {
        "page": my_page(member=request.user, today=today()),
        "materials_form": MaterialsForm(),
    }
    return render(request, "accounts/me.html", context)


@login_required
@require_POST
def absences_update(request: MemberRequest):
    """マイページ: the dates I cannot attend (the main-topic rotation skips me then)."""
    offered = list(availability_dates(today=today()))
    by_text = {f"{date:%Y-%m-%d}": date for date in offered}
    absent = [by_text[value] for value in request.POST.getlist("away") if value in by_text]
    absences_set(member=request.user, offered=offered, absent=absent)
    messages.success(request, _("欠席予定を保存しました。"))
    return redirect(f"{reverse('me')}#availability")


@login_not_required
@require_POST
def language_choose(request: MemberRequest):
    """The language switcher: kept on the member, and in a cookie for readers not logged in."""
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        messages.error(request, _("その言語は選べません。"))
        language = ""
    elif request.user.is_authenticated:
        member_language_set(member=request.user, language=language)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = redirect(target)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response
