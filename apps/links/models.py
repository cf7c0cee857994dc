from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkQuerySet(models.QuerySet["Link"]):
    def waiting(self) -> LinkQuerySet:
        return self.filter(status__in=[Link.Status.PENDING, Link.Status.FETCHING])


class Link(models.Model):
    """One fetched web resource per canonical URL, shared by every topic that cites it.

    An arXiv paper is one Link whatever URL form was pasted (abs, pdf, versioned,
    alphaxiv, Hugging Face papers): `canonical_url` and `key` are the paper's.
    """

    class Kind(models.TextChoices):
        ARXIV = "arxiv", "arXiv"
        GITHUB = "github", "GitHub"
        PYPI = "pypi", "PyPI"
        WEB = "web", "Web"

    class Status(models.TextChoices):
        PENDING = "pending", _("取得待ち")
        FETCHING = "fetching", _("取得中")
        OK = "ok", _("取得済み")
        FAILED = "failed", _("取得失敗")

    canonical_url = models.URLField(max_length=2000, unique=True)
    # What the page itself says its address is (<link rel=canonical>, GitHub's html_url),
    # believed on the page's own host only: a second URL of the same page merges into it.
    declared_url = models.URLField(max_length=2000, blank=True, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WEB)
    key = models.CharField(max_length=200, blank=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    failure_reason = models.CharField(max_length=40, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker has the link, so that a sweep does not hand it out twice.
    claimed_at = models.DateTimeField(null=True, blank=True)

    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    authors = models.JSONField(default=list, blank=True)
    published = models.CharField(max_length=40, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    favicon_url = models.URLField(max_length=2000, blank=True)
    suggested_kind = models.CharField(max_length=10, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    thumbnail = models.ImageField(upload_to="thumbnails/%Y/%m/", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("リンク")
        verbose_name_plural = _("リンク")
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return self.title or self.canonical_url

    @property
    def card_url(self) -> str:
        """Where the card points: the page's own canonical address, in its own case."""
        return self.declared_url or self.canonical_url

    @property
    def is_waiting(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.FETCHING)


class RateLimitSlot(models.Model):
    """When the next call to an external API may go out (the embedded default's limiter)."""

    name = models.CharField(max_length=40, primary_key=True)
    next_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.name
