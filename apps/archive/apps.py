from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "apps.archive"
    verbose_name = _("アーカイブ")
    default_auto_field = "django.db.models.BigAutoField"
