from __future__ import annotations

from django.urls import path, register_converter
from django.urls.converters import get_converters

from apps.core.converters import IsoDateConverter

from . import views

# The meetings app registers the same converter; whichever urls module loads first does it.
if "isodate" not in get_converters():
    register_converter(IsoDateConverter, "isodate")

app_name = "archive"
urlpatterns = [
    path("notes/import/", views.notes_import, name="import"),
    path("notes/import/<int:run_id>/", views.import_report, name="import-report"),
    path("notes/papers/", views.paper_matches, name="papers"),
    path("notes/papers/<int:match_id>/confirm/", views.paper_match_confirm, name="paper-confirm"),
    path("notes/papers/<int:match_id>/dismiss/", views.paper_match_dismiss, name="paper-dismiss"),
    path(
        "notes/papers/<int:match_id>/search/", views.paper_match_search_again, name="paper-search"
    ),
    # Beside the board's own address, /meetings/2025-03-28/.
    path("meetings/<isodate:date>.md", views.meeting_export, name="meeting-markdown"),
]
