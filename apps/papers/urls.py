from __future__ import annotations

from django.urls import path

from . import views

app_name = "papers"
urlpatterns = [
    path(
        "papers/earlier-presentations/",
        views.earlier_presentations,
        name="earlier-presentations",
    ),
    # Where the add form asked before papers had an app of their own; open pages still do.
    path("links/check/", views.earlier_presentations),
    # Reviewing an import's papers is part of importing: the pages sit beside /notes/import/.
    path("notes/papers/", views.paper_matches, name="matches"),
    path("notes/papers/<int:match_id>/confirm/", views.paper_match_confirm, name="match-confirm"),
    path("notes/papers/<int:match_id>/dismiss/", views.paper_match_dismiss, name="match-dismiss"),
    path(
        "notes/papers/<int:match_id>/search/", views.paper_match_search_again, name="match-search"
    ),
]
