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

    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("取り込み中")
        DONE = "done", _("完了")

    dry_run = models.BooleanField(_("確認のみ"), default=False)
    # One FileReport.as_dict() per uploaded file, in upload order, appended as each is done.
    report = models.JSONField(_("結果"), default=list, blank=True)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)
    # Uploads are imported by the worker, one file after the other; the page shows the progress.
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.DONE)
    files_total = models.PositiveIntegerField(_("ファイル数"), default=0)

    class Meta:
        verbose_name = _("ノートの取り込み")
        verbose_name_plural = _("ノートの取り込み")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} ({len(self.report)})"

    def get_absolute_url(self) -> str:
        return reverse("archive:import-report", kwargs={"run_id": self.pk})

    @property
    def files_done(self) -> int:
        return len(self.report)

    @property
    def finished(self) -> bool:
        return self.status == self.Status.DONE


class ImportFile(models.Model):
    """An uploaded file waiting for the worker; deleted once its report is on the run."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()  # the real size; `data` holds at most the limit + 1
    data = models.BinaryField()

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="import_file_position")
        ]

    def __str__(self) -> str:
        return self.name
