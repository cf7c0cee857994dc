from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The embedded default: demo data for a first run, and `up`, which starts the board."""

    name = "apps.demo"
    verbose_name = _("デモ")
    default_auto_field = "django.db.models.BigAutoField"
