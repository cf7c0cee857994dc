from __future__ import annotations

from django.contrib import admin

from .models import PaperMatch


@admin.register(PaperMatch)
class PaperMatchAdmin(admin.ModelAdmin):
    """Read-mostly: organizers decide on /notes/papers/, where the board and index follow."""

    list_display = ("topic", "status", "arxiv_id", "searched_at", "resolved_by")
    list_filter = ("status",)
    search_fields = ("title", "arxiv_id")
    raw_id_fields = ("topic", "resolved_by")
    readonly_fields = (
        "suggestions",
        "attempts",
        "searched_at",
        "claimed_at",
        "created_at",
        "updated_at",
    )
