from __future__ import annotations

from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("<isodate:date>/", views.meeting_detail, name="detail"),
    path("<isodate:date>/edit/", views.meeting_edit, name="edit"),
    path("<isodate:date>/revision/", views.meeting_revision, name="revision"),
]
