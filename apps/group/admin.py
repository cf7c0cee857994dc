from __future__ import annotations

from django.contrib import admin

from .models import FeedToken, GroupSettings, Reminder
from .services import SECRET_FIELDS, SHOWN_FIELDS, group_settings_update


@admin.register(GroupSettings)
class GroupSettingsAdmin(admin.ModelAdmin):
    list_display = ("name", "meeting_weekday", "start_time", "time_zone", "updated_at")
    # The webhook URL is a secret and staff are not necessarily organizers: set it on the page.
    exclude = SECRET_FIELDS

    def has_add_permission(self, request) -> bool:
        return not GroupSettings.objects.exists()  # one row: edit it, do not add another

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        group_settings_update(**{name: getattr(obj, name) for name in SHOWN_FIELDS})


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("meeting", "kind", "status", "attempts", "sent_at", "error")
    list_filter = ("kind", "status")
    list_select_related = ("meeting",)

    # Made by beat and by locking an agenda; resent from the settings page.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "created_at")
    fields = ("user", "created_at")  # the token itself stays off the page

    def has_add_permission(self, request) -> bool:
        return False
