from __future__ import annotations

from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: a run is a record of what happened."""

    list_display = ("created_at", "uploaded_by", "dry_run", "status")
    list_select_related = ("uploaded_by",)
    readonly_fields = ("uploaded_by", "dry_run", "status", "files_total", "report", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
