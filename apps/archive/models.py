from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One upload on the import page and its report, kept so the page can redirect after POST
    and organizers can look back at what an import did."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取り込んだ人"),
    )
    dry_run = models.BooleanField(_("確認のみ"), default=False)
    # One FileReport.as_dict() per uploaded file, in upload order.
    report = models.JSONField(_("結果"), default=list, blank=True)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("ノートの取り込み")
        verbose_name_plural = _("ノートの取り込み")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({len(self.report)})"

    def get_absolute_url(self) -> str:
        return reverse("archive:import-report", kwargs={"run_id": self.pk})
