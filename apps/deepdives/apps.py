from __future__ import annotations

from django.apps import AppConfig


class DeepdivesConfig(AppConfig):
    name = "apps.deepdives"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import listeners

        listeners.register()
