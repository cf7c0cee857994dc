from __future__ import annotations

from django.urls import path, register_converter

from apps.core.converters import IsoDateConverter

from . import views

register_converter(IsoDateConverter, "isodate")

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("<isodate:date>/", views.meeting_detail, name="detail"),
    path("<isodate:date>/edit/", views.meeting_edit, name="edit"),
]
