from __future__ import annotations

from django.urls import path

from . import feeds, views

app_name = "group"
urlpatterns = [
    path("group/settings/", views.group_settings_page, name="settings"),
    path(
        "group/reminders/<int:reminder_id>/resend/", views.reminder_resend, name="reminder-resend"
    ),
    path("language/", views.language_choose, name="language"),
    path("group/feeds/", views.feeds_page, name="feeds"),
    path("group/feeds/reset/", views.feeds_reset, name="feeds-reset"),
    path("feeds/meetings.ics", feeds.meetings_ical, name="feed-meetings"),
    path("feeds/topics.atom", feeds.topics_atom, name="feed-topics"),
]
