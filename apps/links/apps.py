from __future__ import annotations

from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "apps.links"
    default_auto_field = "django.db.models.BigAutoField"
