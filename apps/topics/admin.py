from __future__ import annotations

from django.contrib import admin

from .models import Remark, Topic, TopicLink
from .services import remark_save, topic_save


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "block", "deleted_at")
    list_filter = ("kind",)
    list_select_related = ("block__meeting", "block__presenter")
    search_fields = ("title", "notes", "url")
    autocomplete_fields = ("block",)

    def save_model(self, request, obj, form, change):
        topic_save(topic=obj)


@admin.register(Remark)
class RemarkAdmin(admin.ModelAdmin):
    list_display = ("author", "body", "topic", "deep_dive", "created_at")
    list_select_related = ("author", "topic", "deep_dive")
    search_fields = ("body", "author__handle")
    raw_id_fields = ("topic", "deep_dive", "author")

    def save_model(self, request, obj, form, change):
        remark_save(remark=obj)


@admin.register(TopicLink)
class TopicLinkAdmin(admin.ModelAdmin):
    list_display = ("topic", "link", "label")
    raw_id_fields = ("topic", "link")
