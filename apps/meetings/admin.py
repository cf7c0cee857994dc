from __future__ import annotations

from django.contrib import admin

from .models import Meeting, PresenterBlock
from .services import meeting_save


class PresenterBlockInline(admin.TabularInline):
    model = PresenterBlock
    extra = 0
    autocomplete_fields = ("presenter",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "status")
    list_filter = ("status",)
    search_fields = ("title", "guidance")
    date_hierarchy = "date"
    inlines = [PresenterBlockInline]

    def save_model(self, request, obj, form, change):
        meeting_save(meeting=obj)


@admin.register(PresenterBlock)
class PresenterBlockAdmin(admin.ModelAdmin):
    list_display = ("meeting", "presenter", "position")
    list_select_related = ("meeting", "presenter")
    autocomplete_fields = ("presenter",)
    search_fields = ("presenter__display_name", "presenter__handle")
