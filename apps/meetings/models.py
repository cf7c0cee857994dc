from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

DEFAULT_GUIDANCE = """今週のTOPIC

※ [論文] [blog] [oss] など何に関するTOPICなのかパッと見で分かるようにしましょう。
出典のURLを必ず貼りましょう。
"""


def default_title() -> str:
    return settings.GROUP_NAME


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def upcoming(self, today: dt.date) -> MeetingQuerySet:
        return self.filter(date__gte=today).order_by("date")

    def past(self, today: dt.date) -> MeetingQuerySet:
        return self.filter(date__lt=today).order_by("-date")


class Meeting(models.Model):
    """One weekly session of the group, addressed by its date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("準備中")
        OPEN = "open", _("募集中")
        LOCKED = "locked", _("確定")
        HELD = "held", _("開催済み")
        SKIPPED = "skipped", _("休会")

    date = models.DateField(
        _("開催日"),
        unique=True,
        error_messages={"unique": _("この日付の勉強会はすでにあります。")},
    )
    title = models.CharField(_("タイトル"), max_length=200, default=default_title)
    guidance = models.TextField(
        _("案内"), blank=True, default=DEFAULT_GUIDANCE, help_text=_("Markdownで書けます。")
    )
    guidance_html = models.TextField(editable=False, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    length_minutes = models.PositiveSmallIntegerField(
        _("時間 (分)"), default=90, help_text=_("アジェンダの合計時間をこれと比べます。")
    )
    # Meeting-day mode: the topic being presented now, and since when (for its timer).
    current_topic = models.ForeignKey(
        "topics.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    current_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bumped by every write to the board, so that open pages can poll one number cheaply.
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("勉強会")
        verbose_name_plural = _("勉強会")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"date": self.date})


class PresenterBlock(models.Model):
    """A presenter's place in a meeting's agenda; their topics hang under it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="blocks")
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="presenter_blocks"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("発表者")
        verbose_name_plural = _("発表者")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "presenter"], name="one_block_per_presenter")
        ]

    def __str__(self) -> str:
        return f"{self.meeting.date} @{self.presenter}"


class Absence(models.Model):
    """A member's "I can't attend" for a meeting date: the main-topic rotation skips them.

    By date, not by meeting: members mark weeks ahead, before those meetings are created."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    date = models.DateField(_("欠席する日"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("欠席予定")
        verbose_name_plural = _("欠席予定")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["member", "date"], name="one_absence_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.date}"
