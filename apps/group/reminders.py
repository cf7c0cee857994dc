"""Slack reminders: a call for topics before the deadline, the agenda when it is locked.

Each reminder is one ``Reminder`` row, unique per (meeting, kind): whoever creates the row
owns the message, so two beats or a double lock never send it twice. Sending claims the row
(pending → sending) with one conditional UPDATE, so a re-queued task cannot send it twice
either. When the message went out but no answer came back (Slack answered after the
deadline, or the worker died mid-send and left the row "sending"), the outcome is unknown:
the row is marked uncertain (要確認) and never retried automatically, since Slack may have
posted it. An organizer checks the channel and presses 再送 if it is missing.

The webhook is called through the app's SSRF-safe client (``apps.core.http.safe_http``):
its total deadline bounds a webhook that hangs.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.http.safe_http import FetchError, fetch
from apps.meetings.models import Meeting, PresenterBlock
from apps.papers.queue_selectors import claimed_for_meeting, top_open_entries

from .models import GroupSettings, Reminder
from .selectors import group_settings

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # the first try and four retries
DEFAULT_WEBHOOK_TIMEOUT = 10.0  # seconds, the whole POST; settings.SLACK_WEBHOOK_TIMEOUT overrides
SENDING_STUCK_AFTER = dt.timedelta(minutes=10)
PENDING_LATE_AFTER = dt.timedelta(minutes=5)
MAX_MESSAGE_CHARS = 3500  # Slack shortens longer messages behind "show more"
MAX_RESPONSE_BYTES = 64 * 1024
UNANSWERED = gettext_lazy(
    "送信しましたが、Slackから時間内に応答がありませんでした。"
    "チャンネルに届いているか確認し、届いていなければ再送してください。"
)
STOPPED_WHILE_SENDING = gettext_lazy(
    "送信中に処理が止まりました。届いているかSlackで確認し、届いていなければ再送してください。"
)
# Slack's answers that mean "this webhook is gone or not allowed": retrying cannot help.
_WEBHOOK_REFUSED = frozenset({400, 403, 404, 410})


@dataclass(frozen=True)
class Delivery:
    # "sent", "retry", "failed", "uncertain" (may have been posted), "skipped" or "nothing"
    # (not ours to send)
    outcome: str
    retry_in: int = 0  # seconds, for "retry"


def backoff(attempts: int) -> int:
    """Seconds before the next try after `attempts` tries: 30, 60, 120, 240."""
    return min(600, 30 * 2 ** max(0, attempts - 1))


# --- Slack formatting ---------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Slack's mrkdwn escaping: only these three characters are control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_link(url: str, text: str) -> str:
    return f"<{slack_escape(url)}|{slack_escape(text)}>"


def board_url(meeting: Meeting) -> str:
    return settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()


def format_date(date: dt.date) -> str:
    weekdays = (_("月"), _("火"), _("水"), _("木"), _("金"), _("土"), _("日"))
    return _("%(month)s月%(day)s日(%(weekday)s)") % {
        "month": date.month,
        "day": date.day,
        "weekday": weekdays[date.weekday()],
    }


def format_moment(moment: dt.datetime, group: GroupSettings) -> str:
    local = moment.astimezone(group.zone)
    return f"{format_date(local.date())} {local:%H:%M}"


def _meeting_length(meeting: Meeting, group: GroupSettings) -> int:
    # Meetings carry their own length once the agenda builder sets it; else the group's.
    return getattr(meeting, "length_minutes", None) or group.length_minutes


def _meeting_heading(meeting: Meeting, group: GroupSettings) -> str:
    start = group.meeting_start(meeting.date)
    end = group.meeting_end(meeting.date, _meeting_length(meeting, group))
    return _("*%(title)s*（%(date)s %(start)s〜%(end)s）") % {
        "title": slack_escape(meeting.title or group.name),
        "date": format_date(meeting.date),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
    }


def _fit(lines: list[str], tail: list[str]) -> str:
    """Join lines, dropping the last body lines (with a note) when too long for one message."""
    text = "\n".join(lines + tail)
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    body = list(lines)
    while body:
        body.pop()
        note = _("…ほか%(count)s行はボードで確認してください。") % {"count": len(lines) - len(body)}
        text = "\n".join([*body, note, *tail])
        if len(text) <= MAX_MESSAGE_CHARS:
            break
    return text


def call_for_topics_message(*, meeting: Meeting, group: GroupSettings) -> str:
    from apps.topics.models import Topic

    live = Topic.objects.live().filter(block__meeting=meeting)
    topics = live.count()
    presenters = live.values("block__presenter").distinct().count()
    lines = [
        ":mega: " + _meeting_heading(meeting, group) + _(" のトピックを募集しています。"),
        _(
            "締切は *%(deadline)s* です。"
            "[論文] [blog] [oss] のどれかと出典のURLを付けて投稿してください。"
        )
        % {"deadline": format_moment(group.topic_deadline(meeting.date), group)},
        _("いまの投稿: %(topics)s件（%(presenters)s人）")
        % {"topics": topics, "presenters": presenters},
        *_queue_lines(meeting),
    ]
    return _fit(lines, [slack_link(board_url(meeting), _("ボードを開く"))])


def _queue_lines(meeting: Meeting) -> list[str]:
    """What members asked to hear: claims onto this meeting, and the top open requests."""
    lines = []
    for entry in claimed_for_meeting(meeting):
        lines.append(
            _("・発表決定: %(label)s (@%(who)s、聞きたい%(votes)s人)")
            % {
                "label": slack_escape(entry.label),
                "who": entry.claimed_by.handle if entry.claimed_by else "",
                "votes": entry.vote_count,
            }
        )
    wanted = top_open_entries(limit=3)
    if wanted:
        queue_url = settings.SITE_URL.rstrip("/") + reverse("papers:queue")
        link = slack_link(queue_url, _("一覧"))
        lines.append(_("聞きたいリストの上位 (%(link)s):") % {"link": link})
        lines += [
            _("・%(label)s (聞きたい%(votes)s人)")
            % {"label": slack_escape(entry.label), "votes": entry.vote_count}
            for entry in wanted
        ]
    return lines


def agenda_message(*, meeting: Meeting, group: GroupSettings) -> str:
    from apps.deepdives.models import DeepDive
    from apps.topics.models import Topic

    topics = Topic.objects.live().select_related("link").order_by("position", "pk")
    blocks = (
        PresenterBlock.objects.filter(meeting=meeting)
        .select_related("presenter")
        .prefetch_related(models.Prefetch("topics", queryset=topics))
        .order_by("position", "pk")
    )
    lines = [":clipboard: " + _meeting_heading(meeting, group) + _(" のアジェンダが確定しました。")]
    number = 0
    for block in blocks:
        block_topics = list(block.topics.all())
        if not block_topics:
            continue
        number += 1
        lines.append(
            f"{number}. *{slack_escape(block.presenter.display_name or block.presenter.handle)}*"
        )
        for topic in block_topics:
            minutes = getattr(topic, "minutes", None) or group.default_minutes(topic.kind)
            note = _("%(minutes)s分") % {"minutes": minutes}
            if getattr(topic, "if_time_allows", False):
                note += _("・時間あれば")
            title = topic.display_title or _("（タイトルなし）")
            lines.append(
                f"    • [{slack_escape(topic.get_kind_display())}] {slack_escape(title)}（{note}）"
            )
    if number == 0:
        lines.append(_("（トピックはまだありません）"))
    deep_dive = DeepDive.objects.select_related("presenter").filter(meeting=meeting).first()
    tail = []
    if deep_dive is not None:
        minutes = getattr(deep_dive, "minutes", None) or group.minutes_main_topic
        tail.append(
            _("メインTOPIC: *%(presenter)s* — %(title)s（%(minutes)s分）")
            % {
                "presenter": slack_escape(
                    deep_dive.presenter.display_name or deep_dive.presenter.handle
                ),
                "title": slack_escape(deep_dive.title or _("タイトル未定")),
                "minutes": minutes,
            }
        )
    tail.append(slack_link(board_url(meeting), _("ボードを開く")))
    return _fit(lines, tail)


# --- sending ------------------------------------------------------------------------------


def post_to_slack(*, url: str, text: str) -> None:
    """One POST to an incoming webhook; raises FetchError (with `.transient`) on failure."""
    payload = {"text": text, "unfurl_links": False, "unfurl_media": False}
    fetch(
        url,
        method="POST",
        body=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        max_bytes=MAX_RESPONSE_BYTES,
        timeout=float(getattr(settings, "SLACK_WEBHOOK_TIMEOUT", DEFAULT_WEBHOOK_TIMEOUT)),
    )


def _reason_not_to_send(reminder: Reminder, group: GroupSettings, now: dt.datetime) -> str:
    """Why this message no longer makes sense (settings changed, deadline passed…), or ""."""
    meeting = reminder.meeting
    if not group.has_webhook:
        return _("Webhookが設定されていません。")
    if reminder.kind == Reminder.Kind.CALL_FOR_TOPICS:
        if not group.remind_call_for_topics:
            return _("トピック募集の通知は設定で無効になっています。")
        if meeting.status != Meeting.Status.OPEN:
            return _("勉強会が募集中ではありません。")
        if now >= group.topic_deadline(meeting.date):
            return _("締切を過ぎました。")
    else:
        if not group.remind_agenda:
            return _("アジェンダ確定の通知は設定で無効になっています。")
        if meeting.status != Meeting.Status.LOCKED:
            return _("アジェンダが確定していません。")
        if now >= group.meeting_end(meeting.date, _meeting_length(meeting, group)):
            return _("勉強会が終わりました。")
    return ""


def _error_text(error: FetchError) -> str:
    if error.reason == "http_error" and error.status in _WEBHOOK_REFUSED:
        return _(
            "SlackがこのWebhookを受け付けませんでした（HTTP %(status)s）。"
            "Webhook URLを確認してください。"
        ) % {"status": error.status}
    return error.message


def _finish(reminder_id: int, *, status: str, now: dt.datetime, **fields) -> None:
    # Only from "sending": the sweep may have given up on this row meanwhile.
    Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.SENDING).update(
        status=status, updated_at=now, **fields
    )


def deliver(*, reminder_id: int, now: dt.datetime | None = None) -> Delivery:
    """Try to send one reminder once; the task decides about retrying from the outcome."""
    now = now or timezone.now()
    claimed = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return Delivery("nothing")  # sent, failed, or being sent by another worker
    reminder = Reminder.objects.select_related("meeting").get(pk=reminder_id)
    group = group_settings()
    reason = _reason_not_to_send(reminder, group, now)
    if reason:
        _finish(reminder.pk, status=Reminder.Status.SKIPPED, now=now, error=reason[:300])
        return Delivery("skipped")
    try:
        # The channel reads the group's language, whatever the worker's own is.
        with translation.override(group.language):
            if reminder.kind == Reminder.Kind.CALL_FOR_TOPICS:
                text = call_for_topics_message(meeting=reminder.meeting, group=group)
            else:
                text = agenda_message(meeting=reminder.meeting, group=group)
        post_to_slack(url=group.slack_webhook_url, text=text)
    except FetchError as error:
        logger.info("reminder %s: %s", reminder.pk, error)
        if error.outcome_unknown:
            # Retrying would post it twice whenever Slack was only slow to answer.
            _finish(reminder.pk, status=Reminder.Status.UNCERTAIN, now=now, error=str(UNANSWERED))
            return Delivery("uncertain")
        if error.transient and reminder.attempts < MAX_ATTEMPTS:
            delay = backoff(reminder.attempts)
            _finish(
                reminder.pk,
                status=Reminder.Status.PENDING,
                now=now,
                error=_error_text(error)[:300],
                next_attempt_at=now + dt.timedelta(seconds=delay),
            )
            return Delivery("retry", retry_in=delay)
        _finish(reminder.pk, status=Reminder.Status.FAILED, now=now, error=_error_text(error)[:300])
        return Delivery("failed")
    except Exception:
        # A bug, not the network: record it for the organizers instead of retrying blindly.
        logger.exception("reminder %s could not be sent", reminder.pk)
        _finish(
            reminder.pk,
            status=Reminder.Status.FAILED,
            now=now,
            error=_("予期しないエラーで送信できませんでした。"),
        )
        return Delivery("failed")
    _finish(reminder.pk, status=Reminder.Status.SENT, now=now, sent_at=now, error="")
    return Delivery("sent")


# --- queueing -----------------------------------------------------------------------------


# Hands one reminder id to a worker. The Celery task module connects it when the app is ready
# (GroupConfig.ready): that module imports this one, so this one knows nothing of Celery.
_send_later: Callable[[int], object] | None = None


def connect_sender(send_later: Callable[[int], object]) -> None:
    global _send_later
    _send_later = send_later


def _enqueue(reminder_id: int) -> None:
    def send() -> None:
        if _send_later is None:  # GroupConfig.ready() has not run: the row stays pending
            logger.warning("no sender connected for reminder %s", reminder_id)
            return
        try:
            _send_later(reminder_id)
        except Exception:  # the broker is down: the row stays pending and the sweep queues it
            logger.warning(
                "could not queue reminder %s; the sweep will", reminder_id, exc_info=True
            )

    transaction.on_commit(send)


def _create(*, meeting_id: int, kind: str, now: dt.datetime) -> Reminder | None:
    """The new reminder row, or None when this message exists already (in any state)."""
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            meeting_id=meeting_id, kind=kind, defaults={"next_attempt_at": now}
        )
        if created:
            _enqueue(reminder.pk)
    return reminder if created else None


def queue_agenda_reminder(meeting_id: int) -> int | None:
    """Call after a meeting's agenda is locked (on commit): posts the agenda once.

    Returns the new reminder's id, or None when there is nothing to send (no webhook, the
    reminder is off, the meeting is no longer locked, or it was sent before).
    """
    group = group_settings()
    if not (group.has_webhook and group.remind_agenda):
        return None
    if not Meeting.objects.filter(pk=meeting_id, status=Meeting.Status.LOCKED).exists():
        return None
    reminder = _create(meeting_id=meeting_id, kind=Reminder.Kind.AGENDA, now=timezone.now())
    return reminder.pk if reminder else None


def check_reminders(*, now: dt.datetime | None = None) -> list[int]:
    """Beat: create the calls for topics that are due, and re-queue what was lost.

    Returns the ids of the reminders queued.
    """
    now = now or timezone.now()
    group = group_settings()
    queued: list[int] = []
    if group.has_webhook and group.remind_call_for_topics:
        today = now.astimezone(group.zone).date()
        days_ahead = group.deadline_days_before + group.reminder_hours_before_deadline // 24 + 1
        candidates = Meeting.objects.filter(
            status=Meeting.Status.OPEN, date__range=(today, today + dt.timedelta(days=days_ahead))
        ).only("pk", "date", "status")
        for meeting in candidates:
            if group.call_for_topics_at(meeting.date) <= now < group.topic_deadline(meeting.date):
                reminder = _create(
                    meeting_id=meeting.pk, kind=Reminder.Kind.CALL_FOR_TOPICS, now=now
                )
                if reminder is not None:
                    queued.append(reminder.pk)

    Reminder.objects.filter(
        status=Reminder.Status.SENDING, updated_at__lt=now - SENDING_STUCK_AFTER
    ).update(status=Reminder.Status.UNCERTAIN, updated_at=now, error=str(STOPPED_WHILE_SENDING))
    late = Reminder.objects.filter(
        status=Reminder.Status.PENDING, next_attempt_at__lt=now - PENDING_LATE_AFTER
    ).values_list("pk", flat=True)
    for reminder_id in late[:100]:
        _enqueue(reminder_id)
        queued.append(reminder_id)
    return queued


RESENDABLE = (Reminder.Status.FAILED, Reminder.Status.SKIPPED, Reminder.Status.UNCERTAIN)


def reminder_resend(*, reminder_id: int) -> bool:
    """An organizer's second chance: after fixing the webhook (failed, skipped), or after
    finding an uncertain message missing from the channel. Never for one sent or being sent,
    so nothing goes out twice without an organizer deciding it."""
    with transaction.atomic():
        updated = Reminder.objects.filter(pk=reminder_id, status__in=RESENDABLE).update(
            status=Reminder.Status.PENDING,
            attempts=0,
            error="",
            next_attempt_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if updated:
            _enqueue(reminder_id)
    return bool(updated)
