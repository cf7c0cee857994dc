from __future__ import annotations

from django.urls import path, register_converter
from django.urls.converters import get_converters

from apps.core.converters import IsoDateConverter

from . import browse_views, views

# The meetings app registers the same converter; whichever urls module loads first does it.
if "isodate" not in get_converters():
    register_converter(IsoDateConverter, "isodate")

app_name = "archive"
urlpatterns = [
    path("archive/", browse_views.archive_index, name="index"),
    path("archive/<int:year>/", browse_views.archive_year, name="year"),
    path("archive/<int:year>/<int:month>/", browse_views.archive_month, name="month"),
    path("archive/members/<str:handle>/", browse_views.member, name="member"),
    path("archive/kinds/<str:kind>/", browse_views.kind, name="kind"),
    path("archive/links/", browse_views.link, name="link"),
    path("archive/categories/", browse_views.categories, name="categories"),
    path("archive/categories/<str:code>/", browse_views.category, name="category"),
    path("archive/export.json", views.archive_json_download, name="export-json"),
    path("notes/import/", views.notes_import, name="import"),
    path("notes/import/<int:run_id>/", views.import_report, name="import-report"),
    # Beside the board's own address, /meetings/2025-03-28/.
    path("meetings/<isodate:date>.md", views.meeting_export, name="meeting-markdown"),
]
