from __future__ import annotations

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    default_auto_field = "django.db.models.BigAutoField"
