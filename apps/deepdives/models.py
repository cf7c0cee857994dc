from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeepDive(models.Model):
    """The main topic (メインTOPIC): one member's long write-up of one paper."""

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="deep_dive"
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deep_dives"
    )
    # Empty while the assigned presenter has not written it yet.
    title = models.CharField(_("タイトル"), max_length=300, blank=True)
    minutes = models.PositiveSmallIntegerField(_("持ち時間 (分)"), default=30)
    paper_url = models.URLField(_("論文URL"), max_length=2000, blank=True)
    link = models.ForeignKey(
        "links.Link", on_delete=models.SET_NULL, null=True, blank=True, related_name="deep_dives"
    )
    body = models.TextField(_("本文"), blank=True, help_text=_("Markdownで書けます。"))
    body_html = models.TextField(editable=False, blank=True)
    toc_html = models.TextField(editable=False, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("メインTOPIC")
        verbose_name_plural = _("メインTOPIC")

    def __str__(self) -> str:
        return self.title
