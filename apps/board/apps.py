from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    """The meeting's page and everything done on it: posting, editing, the agenda, 当日モード."""

    name = "apps.board"
    verbose_name = _("ボード")
    default_auto_field = "django.db.models.BigAutoField"
