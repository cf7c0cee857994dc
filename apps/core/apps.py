from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import register_converter

        from . import checks  # noqa: F401 - registers the system checks
        from .converters import IsoDateConverter

        # Every app addresses meetings by date; register the converter once for all urlconfs.
        register_converter(IsoDateConverter, "isodate")
