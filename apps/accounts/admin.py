from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("display_name", "handle", "username", "is_organizer", "is_active")
    list_filter = ("is_organizer", "is_staff", "is_active")
    search_fields = ("display_name", "handle", "username", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("勉強会"), {"fields": ("display_name", "handle", "is_organizer")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("勉強会"), {"fields": ("display_name", "handle", "is_organizer")}),
    )
