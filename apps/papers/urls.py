from __future__ import annotations

from django.urls import path

from . import library_views, queue_views, views

app_name = "papers"
urlpatterns = [
    path("papers/", library_views.library, name="library"),
    path("papers/import/", library_views.library_import, name="import"),
    path("papers/export.bib", library_views.library_bibtex, name="library-bibtex"),
    path("papers/<int:paper_id>/", library_views.paper_detail, name="detail"),
    path("papers/<int:paper_id>.bib", library_views.paper_bibtex, name="bibtex"),
    path("papers/<int:paper_id>/notes/", library_views.note_create, name="note-create"),
    path("papers/<int:paper_id>/tags/", library_views.tags_add, name="tags-add"),
    path("papers/<int:paper_id>/vote/", queue_views.paper_vote, name="vote"),
    path("queue/", queue_views.queue_page, name="queue"),
    path("queue/propose/", queue_views.queue_propose, name="queue-propose"),
    path("queue/<int:entry_id>/vote/", queue_views.entry_vote, name="queue-vote"),
    path("queue/<int:entry_id>/claim/", queue_views.entry_claim, name="queue-claim"),
    path("queue/<int:entry_id>/withdraw/", queue_views.entry_withdraw, name="queue-withdraw"),
    path("queue/topics/<int:topic_id>/vote/", queue_views.topic_vote, name="topic-vote"),
    path("meetings/<isodate:date>.bib", library_views.meeting_bibtex, name="meeting-bibtex"),
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
