"""The iCal feed of meetings and the Atom feed of new topics.

Calendar apps and feed readers cannot log in, so both feeds accept a member's secret
``?token=`` (see ``FeedToken``); a signed-in browser or BOARD_PUBLIC_READ also lets one read.
"""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, get_tag_uri
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.meetings.models import Meeting

from . import ical
from .models import GroupSettings
from .reminders import format_moment
from .selectors import feed_token_owner, group_settings

PAST_DAYS = 365  # how far back the calendar goes
MAX_EVENTS = 500
MAX_TOPICS = 50
SUMMARY_CHARS = 280


def site_url(path: str = "/") -> str:
    return settings.SITE_URL.rstrip("/") + path


def check_feed_access(request) -> None:
    """A valid token, a signed-in member or a public board; else 403."""
    if feed_token_owner(token=request.GET.get("token", "")) is not None:
        return
    if request.user.is_authenticated or settings.BOARD_PUBLIC_READ:
        return
    raise PermissionDenied(_("フィードのURLが正しくありません。"))


def _private(response: HttpResponse) -> HttpResponse:
    # The URL carries a personal secret: no shared cache should keep the answer.
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- iCal ---------------------------------------------------------------------------------


def meeting_event(meeting: Meeting, group: GroupSettings, *, host: str) -> ical.Event:
    url = site_url(meeting.get_absolute_url())
    cancelled = meeting.status == Meeting.Status.SKIPPED
    length = getattr(meeting, "length_minutes", None) or group.length_minutes
    description = [_("ボード: %(url)s") % {"url": url}]
    if cancelled:
        description.insert(0, _("この回は休会です。"))
    elif meeting.status in (Meeting.Status.DRAFT, Meeting.Status.OPEN):
        deadline = format_moment(group.topic_deadline(meeting.date), group)
        description.append(_("トピックの締切: %(deadline)s") % {"deadline": deadline})
    summary = meeting.title or group.name
    return ical.Event(
        # The row, not the date: a moved meeting stays one event.
        uid=f"meeting-{meeting.pk}@{host}",
        start=group.meeting_start(meeting.date),
        end=group.meeting_end(meeting.date, length),
        summary=_("【休会】%(title)s") % {"title": summary} if cancelled else summary,
        description="\n".join(description),
        url=url,
        # A change of the group's start time moves every event: it changes them too.
        stamp=max(meeting.updated_at, group.updated_at),
        cancelled=cancelled,
    )


@login_not_required
@require_safe
def meetings_ical(request):
    check_feed_access(request)
    group = group_settings()
    since = group.today() - dt.timedelta(days=PAST_DAYS)
    meetings = (
        Meeting.objects.filter(date__gte=since)
        .defer("guidance", "guidance_html")
        .order_by("date")[:MAX_EVENTS]
    )
    host = urlsplit(settings.SITE_URL).hostname or "benkyokai-board"
    body = ical.calendar(
        name=group.name,
        time_zone=group.time_zone,
        events=(meeting_event(meeting, group, host=host) for meeting in meetings),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return _private(response)


# --- Atom ---------------------------------------------------------------------------------


def plain_summary(notes_html: str) -> str:
    """The notes as one line of plain text (from the stored, sanitized HTML)."""
    text = " ".join(html.unescape(strip_tags(notes_html)).split())
    return Truncator(text).chars(SUMMARY_CHARS)


class TopicFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs) -> GroupSettings:
        return group_settings()

    def title(self, obj: GroupSettings) -> str:
        return _("%(group)s の新しいトピック") % {"group": obj.name}

    def subtitle(self, obj: GroupSettings) -> str:
        return _("%(group)s のボードに投稿されたトピック") % {"group": obj.name}

    def link(self, obj: GroupSettings) -> str:
        return site_url("/")

    def feed_url(self, obj: GroupSettings) -> str:
        return site_url(reverse("group:feed-topics"))  # without the token: the feed is shared

    def items(self, obj: GroupSettings):
        from apps.topics.models import Topic

        return (
            Topic.objects.live()
            .select_related("block__meeting", "block__presenter", "link")
            .order_by("-created_at", "-pk")[:MAX_TOPICS]
        )

    def item_title(self, item) -> str:
        return f"[{item.get_kind_display()}] {item.display_title}"

    def item_description(self, item) -> str:
        # Atom's <summary type="html"> is read as HTML: escape the plain text once more.
        return escape(plain_summary(item.notes_html))

    def item_link(self, item) -> str:
        return site_url(f"{item.block.meeting.get_absolute_url()}#{item.anchor}")

    def item_guid(self, item) -> str:
        # Stable even when the topic moves to another meeting (its link changes then).
        return get_tag_uri(site_url(f"/topics/{item.pk}"), item.created_at)

    def item_author_name(self, item) -> str:
        presenter = item.block.presenter
        return presenter.display_name or presenter.handle

    def item_pubdate(self, item) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item) -> list[str]:
        return [item.get_kind_display()]


_topic_feed = TopicFeed()


@login_not_required
@require_safe
def topics_atom(request):
    check_feed_access(request)
    return _private(_topic_feed(request))
