from __future__ import annotations

from django.contrib import admin

from .models import DeepDive
from .services import deep_dive_save


@admin.register(DeepDive)
class DeepDiveAdmin(admin.ModelAdmin):
    list_display = ("title", "meeting", "presenter")
    list_select_related = ("meeting", "presenter")
    search_fields = ("title", "body")
    autocomplete_fields = ("presenter",)
    raw_id_fields = ("meeting",)

    def save_model(self, request, obj, form, change):
        deep_dive_save(deep_dive=obj)
