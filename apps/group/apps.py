from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupConfig(AppConfig):
    """The group's own settings (schedule, deadline, Slack), its reminders and its feeds."""

    name = "apps.group"
    label = "group"
    verbose_name = _("会の設定")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import listeners, reminders, tasks

        listeners.register()
        reminders.connect_sender(tasks.send_later)
