from __future__ import annotations

from django.urls import path

from . import material_views
from . import topic_views as views

app_name = "topics"
urlpatterns = [
    path("meetings/<isodate:date>/topics/new/", views.topic_create, name="create"),
    path("topics/<int:topic_id>/", views.topic_card, name="card"),
    path("topics/<int:topic_id>/edit/", views.topic_edit, name="edit"),
    path("topics/<int:topic_id>/delete/", views.topic_delete, name="delete"),
    path("topics/<int:topic_id>/restore/", views.topic_restore, name="restore"),
    path("topics/<int:topic_id>/materials/", material_views.topic_materials, name="materials"),
    path("slides/<int:upload_id>.pdf", material_views.slides_file, name="slides-file"),
    path(
        "slides/<int:upload_id>/thumbnail.webp",
        material_views.slides_thumbnail,
        name="slides-thumbnail",
    ),
    path("topics/<int:topic_id>/remarks/", views.topic_remark_create, name="remark-create"),
    path(
        "deepdives/<int:deep_dive_id>/remarks/",
        views.deep_dive_remark_create,
        name="deep-dive-remark-create",
    ),
    path("remarks/<int:remark_id>/edit/", views.remark_edit, name="remark-edit"),
    path("remarks/<int:remark_id>/delete/", views.remark_delete, name="remark-delete"),
]
