from __future__ import annotations

from django.urls import path

from . import deep_dive_views as views

app_name = "deepdives"
urlpatterns = [
    path("<int:deep_dive_id>/", views.deep_dive_section, name="section"),
    path("<int:deep_dive_id>/edit/", views.deep_dive_edit, name="edit"),
]
