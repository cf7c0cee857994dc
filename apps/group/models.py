"""The group's settings (one row), the Slack reminders sent for meetings, and feed tokens."""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.meetings.models import DEFAULT_GUIDANCE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SINGLETON_ID = 1


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("月曜日")
    TUESDAY = 1, _("火曜日")
    WEDNESDAY = 2, _("水曜日")
    THURSDAY = 3, _("木曜日")
    FRIDAY = 4, _("金曜日")
    SATURDAY = 5, _("土曜日")
    SUNDAY = 6, _("日曜日")


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    # "localtime" and "posixrules" are files in the zone folder, not zones a group lives in.
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "posixrules"}))


def validate_time_zone(value: str) -> None:
    names = time_zone_names()
    if names and value in names:
        return
    if not names:  # no zone list on this machine (no tzdata): trust what zoneinfo can load
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return
    raise ValidationError(
        _("「%(value)s」はタイムゾーン名ではありません（例: Asia/Tokyo）。"),
        code="invalid_time_zone",
        params={"value": value},
    )


def validate_https_url(value: str) -> None:
    # The URL is a secret that lets anyone post to the channel: never send it in clear text.
    if value and urlsplit(value).scheme != "https":
        raise ValidationError(_("https:// で始まるURLを入力してください。"), code="not_https")


# Defaults come from the environment, so an install configured by env keeps its values.
def default_group_name() -> str:
    return settings.GROUP_NAME


def default_weekday() -> int:
    return settings.MEETING_WEEKDAY


def default_time_zone() -> str:
    return settings.TIME_ZONE


def _minutes_field(label: StrOrPromise, *, default: int) -> models.PositiveSmallIntegerField:
    # A topic's time budget: at least a minute, at most as long as a meeting may be.
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )


class GroupSettings(models.Model):
    """How the group meets; one row, edited by organizers on /group/settings/."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    name = models.CharField(_("会の名前"), max_length=100, default=default_group_name)
    meeting_weekday = models.PositiveSmallIntegerField(
        _("開催曜日"),
        choices=Weekday.choices,
        default=default_weekday,
        validators=[MaxValueValidator(6)],
        help_text=_("勉強会はこの曜日に自動で作られます。作成済みの勉強会の日付は変わりません。"),
    )
    start_time = models.TimeField(_("開始時刻"), default=dt.time(19, 0))
    length_minutes = models.PositiveSmallIntegerField(
        _("会の長さ（分）"),
        default=90,
        # The same bounds as a meeting's own length on the agenda page.
        validators=[MinValueValidator(10), MaxValueValidator(600)],
    )
    language = models.CharField(
        _("表示言語"),
        max_length=8,
        blank=True,  # empty: the server's LANGUAGE_CODE
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("メンバーが言語を選んでいないときと、ログインしていない人の表示言語です。"),
    )
    time_zone = models.CharField(
        _("タイムゾーン"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("開始時刻と締切はこのタイムゾーンの時刻です。"),
    )
    guidance_template = models.TextField(
        _("案内文のテンプレート"),
        blank=True,
        default=DEFAULT_GUIDANCE,
        help_text=_("新しく作られる勉強会の案内になります。Markdownで書けます。"),
    )
    deadline_days_before = models.PositiveSmallIntegerField(
        _("トピック締切（何日前）"),
        default=1,
        validators=[MaxValueValidator(6)],
        help_text=_("0 は当日です。"),
    )
    deadline_time = models.TimeField(_("トピック締切の時刻"), default=dt.time(18, 0))
    minutes_paper = _minutes_field(_("[論文] の持ち時間（分）"), default=10)
    minutes_blog = _minutes_field(_("[blog] の持ち時間（分）"), default=5)
    minutes_oss = _minutes_field(_("[oss] の持ち時間（分）"), default=5)
    minutes_main_topic = _minutes_field(_("メインTOPICの持ち時間（分）"), default=30)
    slack_webhook_url = models.URLField(
        _("Slack Incoming Webhook URL"),
        max_length=500,
        blank=True,
        validators=[validate_https_url],
        help_text=_("空にするとSlackには何も送りません。"),
    )
    remind_call_for_topics = models.BooleanField(_("締切前にトピックを募集する"), default=True)
    reminder_hours_before_deadline = models.PositiveSmallIntegerField(
        _("募集を送るのは締切の何時間前か"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24)],
    )
    remind_agenda = models.BooleanField(_("アジェンダ確定時に知らせる"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会の設定")
        verbose_name_plural = _("会の設定")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=SINGLETON_ID), name="group_settings_single_row"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if (
            self.deadline_days_before == 0
            and self.deadline_time is not None
            and self.start_time is not None
            and self.deadline_time > self.start_time
        ):
            errors["deadline_time"] = ValidationError(
                _("締切が会の開始（%(start)s）より後になっています。"),
                code="deadline_after_start",
                params={"start": self.start_time.strftime("%H:%M")},
            )
        if self.length_minutes:
            for field in ("minutes_paper", "minutes_blog", "minutes_oss", "minutes_main_topic"):
                value = getattr(self, field)
                if value and value > self.length_minutes:
                    errors[field] = ValidationError(
                        _("会の長さ（%(length)s分）を超えています。"),
                        code="longer_than_meeting",
                        params={"length": self.length_minutes},
                    )
        if errors:
            raise ValidationError(errors)

    # --- times, all in the group's time zone ------------------------------------------------

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self) -> dt.date:
        return timezone.localdate(timezone=self.zone)

    def meeting_start(self, date: dt.date) -> dt.datetime:
        return dt.datetime.combine(date, self.start_time, tzinfo=self.zone)

    def meeting_end(self, date: dt.date, length_minutes: int | None = None) -> dt.datetime:
        minutes = length_minutes or self.length_minutes
        # Through UTC: adding to a wall-clock time would be off by an hour across a DST change.
        start = self.meeting_start(date).astimezone(dt.UTC)
        return (start + dt.timedelta(minutes=minutes)).astimezone(self.zone)

    def topic_deadline(self, date: dt.date) -> dt.datetime:
        day = date - dt.timedelta(days=self.deadline_days_before)
        return dt.datetime.combine(day, self.deadline_time, tzinfo=self.zone)

    def call_for_topics_at(self, date: dt.date) -> dt.datetime:
        deadline = self.topic_deadline(date).astimezone(dt.UTC)
        return deadline - dt.timedelta(hours=self.reminder_hours_before_deadline)

    def default_minutes(self, kind: str) -> int:
        """The time budget of a topic of this kind ("paper", "blog", "oss"), or "main"."""
        return {
            "paper": self.minutes_paper,
            "blog": self.minutes_blog,
            "oss": self.minutes_oss,
            "main": self.minutes_main_topic,
        }.get(kind, self.minutes_blog)

    # --- the webhook -----------------------------------------------------------------------

    @property
    def has_webhook(self) -> bool:
        return bool(self.slack_webhook_url)

    @property
    def webhook_hint(self) -> str:
        """Enough of the URL to recognise it, not enough to post with it."""
        if not self.slack_webhook_url:
            return ""
        parts = urlsplit(self.slack_webhook_url)
        return f"{parts.scheme}://{parts.hostname}/…{self.slack_webhook_url[-4:]}"


class Reminder(models.Model):
    """One Slack message for one meeting; the unique pair means it is never sent twice."""

    class Kind(models.TextChoices):
        CALL_FOR_TOPICS = "call_for_topics", _("トピック募集")
        AGENDA = "agenda", _("アジェンダ確定")

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("失敗")
        SKIPPED = "skipped", _("送信せず")
        # Sent, but Slack's answer never came: it may be in the channel. Never resent
        # automatically; an organizer looks in Slack and presses 再送 if it is missing.
        UNCERTAIN = "uncertain", _("要確認")

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("勉強会"),
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("状態"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    error = models.CharField(_("エラー"), max_length=300, blank=True)
    # When the next try is due; the beat sweep re-queues a pending reminder whose try is late.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("リマインダー")
        verbose_name_plural = _("リマインダー")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind"], name="one_reminder_per_meeting_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.kind} {self.status}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class FeedToken(models.Model):
    """A member's secret for calendar apps and feed readers, which cannot log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("フィード用トークン")
        verbose_name_plural = _("フィード用トークン")

    def __str__(self) -> str:
        return str(self.user)
