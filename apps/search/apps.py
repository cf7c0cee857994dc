from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "apps.search"
    label = "search"
    verbose_name = _("検索")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import listeners

        listeners.register()
