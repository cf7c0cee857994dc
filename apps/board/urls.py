from __future__ import annotations

from django.urls import path

from apps.meetings import views as meeting_views

from . import agenda_views, carry_over_views, present_views, views

# The URL names stay the meetings app's (meetings:detail…): these are the meeting's pages.
app_name = "meetings"
urlpatterns = [
    path("", meeting_views.meeting_list, name="list"),
    path("new/", meeting_views.meeting_create, name="create"),
    path("<isodate:date>/", views.meeting_detail, name="detail"),
    path("<isodate:date>/edit/", meeting_views.meeting_edit, name="edit"),
    path("<isodate:date>/revision/", views.meeting_revision, name="revision"),
    path("<isodate:date>/agenda/", agenda_views.agenda_page, name="agenda"),
    path(
        "<isodate:date>/agenda/blocks/move/",
        agenda_views.agenda_move_block,
        name="agenda-move-block",
    ),
    path(
        "<isodate:date>/agenda/order-by-votes/",
        agenda_views.agenda_order_by_votes,
        name="agenda-order-by-votes",
    ),
    path(
        "<isodate:date>/agenda/topics/move/",
        agenda_views.agenda_move_topic,
        name="agenda-move-topic",
    ),
    path(
        "<isodate:date>/agenda/topics/<int:topic_id>/budget/",
        agenda_views.agenda_topic_budget,
        name="agenda-topic-budget",
    ),
    path(
        "<isodate:date>/agenda/topics/<int:topic_id>/next/",
        agenda_views.agenda_topic_to_next,
        name="agenda-topic-next",
    ),
    path(
        "<isodate:date>/agenda/main-topic/",
        agenda_views.agenda_main_topic,
        name="agenda-main-topic",
    ),
    path("<isodate:date>/agenda/status/", agenda_views.agenda_status, name="agenda-status"),
    path("<isodate:date>/agenda/length/", agenda_views.agenda_length, name="agenda-length"),
    path("<isodate:date>/carry-over/", carry_over_views.meeting_carry_over, name="carry-over"),
    path("<isodate:date>/present/", present_views.meeting_present, name="present"),
    path("<isodate:date>/present/step/", present_views.meeting_step, name="present-step"),
]
