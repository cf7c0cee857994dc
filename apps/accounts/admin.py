from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.core import changes

from .models import User
from .services import member_deactivate


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("display_name", "handle", "username", "is_organizer", "is_active")
    list_filter = ("is_organizer", "is_staff", "is_active")
    search_fields = ("display_name", "handle", "username", "email")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("勉強会"), {"fields": ("display_name", "handle", "is_organizer")}),
    )
    add_fieldsets = (
        *(BaseUserAdmin.add_fieldsets or ()),
        (_("勉強会"), {"fields": ("display_name", "handle", "is_organizer")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            member_deactivate(member=obj)
        if change and {"display_name", "handle"} & set(form.changed_data):
            # Search finds topics and remarks by their presenter's name and handle.
            changes.announce(changes.MEMBER, pk=obj.pk, obj=obj)
