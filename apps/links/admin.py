from __future__ import annotations

from django.contrib import admin

from .models import Link


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ("canonical_url", "kind", "status", "title", "fetched_at")
    list_filter = ("kind", "status")
    search_fields = ("canonical_url", "title", "key")
    readonly_fields = ("created_at", "updated_at", "fetched_at", "claimed_at", "attempts")
