from __future__ import annotations

from django.urls import path

from . import views

app_name = "topics"
urlpatterns = [
    path("topics/<int:topic_id>/remarks/", views.topic_remark_create, name="remark-create"),
    path(
        "deepdives/<int:deep_dive_id>/remarks/",
        views.deep_dive_remark_create,
        name="deep-dive-remark-create",
    ),
]
