from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.markdown.limits import REMARK_MAX_CHARS
from apps.core.weburls import url_placeholder


class TopicQuerySet(models.QuerySet["Topic"]):
    def live(self) -> TopicQuerySet:
        return self.filter(deleted_at__isnull=True)

    def for_cards(self) -> TopicQuerySet:
        """What a topic card shows: its link, remarks with authors, and extra links."""
        remarks = Remark.objects.select_related("author").order_by("created_at", "pk")
        return self.select_related("link").prefetch_related(
            models.Prefetch("remarks", queryset=remarks),
            models.Prefetch("extra_links", queryset=TopicLink.objects.select_related("link")),
            "slides_uploads",
        )


class Topic(models.Model):
    """Something a member presents: a paper, a blog post or an open-source project."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("論文")
        BLOG = "blog", _("blog")
        OSS = "oss", _("oss")

    block = models.ForeignKey(
        "meetings.PresenterBlock", on_delete=models.CASCADE, related_name="topics"
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices, default=Kind.BLOG)
    # May stay empty while the source's metadata is fetched; it is filled from the link then.
    title = models.CharField(_("タイトル"), max_length=300, blank=True)
    url = models.URLField(_("出典URL"), max_length=2000, blank=True)
    link = models.ForeignKey(
        "links.Link", on_delete=models.SET_NULL, null=True, blank=True, related_name="topics"
    )
    notes = models.TextField(_("メモ"), blank=True, help_text=_("Markdownで書けます。"))
    notes_html = models.TextField(editable=False, blank=True)
    position = models.PositiveIntegerField(default=0)
    # The organizer's time budget; empty means the group's default for the kind.
    minutes = models.PositiveSmallIntegerField(_("持ち時間 (分)"), null=True, blank=True)
    if_time_allows = models.BooleanField(_("時間あれば"), default=False)
    # When meeting-day mode first showed it: a held meeting knows which topics were reached.
    presented_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("トピック")
        verbose_name_plural = _("トピック")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"[{self.get_kind_display()}] {self.title}"

    _stored_url: str | None  # the URL as loaded or last saved (from_db, topic_save)

    @classmethod
    def from_db(cls, db, field_names, values):
        topic = super().from_db(db, field_names, values)
        # Remember the stored URL: the link is only looked up again when it changes.
        topic._stored_url = topic.__dict__.get("url")
        return topic

    @property
    def url_changed(self) -> bool:
        return not self.pk or self.url != getattr(self, "_stored_url", None)

    def clean(self) -> None:
        if not self.title.strip() and not self.url:
            raise ValidationError({"title": _("タイトルかURLのどちらかを入力してください。")})

    @property
    def display_title(self) -> str:
        """The title, else the source's, else a readable stand-in (host + short path): a failed
        or pending fetch must not put a raw URL where a title belongs."""
        return (
            self.title
            or (self.link.title if self.link_id and self.link else "")
            or url_placeholder(self.url)
        )

    @property
    def untitled(self) -> bool:
        """Neither the member nor the source has given a title: display_title is a stand-in."""
        return not (self.title or (self.link.title if self.link_id and self.link else ""))

    @property
    def anchor(self) -> str:
        """The id of the topic's card on the board page."""
        return f"topic-{self.pk}"


class Remark(models.Model):
    """A short comment on a topic or on the deep dive (`[fr] めちゃ速い…`)."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="remarks", null=True, blank=True
    )
    deep_dive = models.ForeignKey(
        "deepdives.DeepDive",
        on_delete=models.CASCADE,
        related_name="remarks",
        null=True,
        blank=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="remarks"
    )
    body = models.TextField(_("コメント"), max_length=REMARK_MAX_CHARS)
    body_html = models.TextField(editable=False, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("コメント")
        verbose_name_plural = _("コメント")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(topic__isnull=False, deep_dive__isnull=True)
                    | Q(topic__isnull=True, deep_dive__isnull=False)
                ),
                name="remark_on_topic_or_deep_dive",
            )
        ]

    def __str__(self) -> str:
        return f"[{self.author.handle}] {self.body[:40]}"


class TopicLink(models.Model):
    """Extra links a topic carries besides its source: code, slides, a video."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="extra_links")
    link = models.ForeignKey("links.Link", on_delete=models.PROTECT, related_name="topic_extras")
    label = models.CharField(_("ラベル"), max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "links_topiclink"  # created by the links app, which held it before
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "link"], name="one_extra_link_per_topic")
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.link}".strip()


class SlidesUpload(models.Model):
    """A presenter's slides uploaded as a PDF after the meeting; the worker renders page 1
    as the thumbnail. (Slides on Speaker Deck, Google Slides… are extra links instead.)"""

    class Status(models.TextChoices):
        PENDING = "pending", _("サムネイル作成中")
        OK = "ok", _("OK")
        FAILED = "failed", _("サムネイルを作れませんでした")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="slides_uploads")
    file = models.FileField(upload_to="slides/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    thumbnail = models.ImageField(upload_to="slides/thumbnails/%Y/%m/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("スライド (PDF)")
        verbose_name_plural = _("スライド (PDF)")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name
