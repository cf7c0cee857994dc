from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from apps.board.agenda import agenda_for
from apps.deepdives.models import DeepDive
from apps.meetings.models import Meeting
from apps.topics.models import Remark, Topic
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting():
    meeting = factories.meeting(date=dt.date(2025, 4, 4))
    for handle in ("a", "b", "c"):
        presenter = factories.MemberFactory(handle=handle, display_name=handle.upper())
        for kind in ("paper", "blog"):
            factories.topic(
                meeting=meeting, presenter=presenter, kind=kind, title=f"{handle}-{kind}"
            )
    return meeting


def block_order(meeting) -> list[str]:
    return [
        b.presenter.handle
        for b in meeting.blocks.order_by("position", "pk").select_related("presenter")
    ]


def topic_order(meeting, handle) -> list[str]:
    block = meeting.blocks.get(presenter__handle=handle)
    return [t.title for t in Topic.objects.live().filter(block=block).order_by("position", "pk")]


def url(meeting, name, *args):
    return reverse(f"meetings:{name}", args=[meeting.date, *args])


def test_drag_moves_a_presenter_to_the_index_it_was_dropped_at(organizer_client, meeting):
    c = meeting.blocks.get(presenter__handle="c")

    response = organizer_client.post(
        url(meeting, "agenda-move-block"), {"block": c.pk, "to_index": 0}, **HTMX
    )

    assert response.status_code == 200
    assert block_order(meeting) == ["c", "a", "b"]
    order = json.loads(response["HX-Trigger"])["agenda-order"]
    assert order["blocks"][0] == c.pk  # the page moves its rows to this order


def test_keyboard_buttons_move_a_topic_up_and_down(organizer_client, meeting):
    blog = Topic.objects.get(title="a-blog")

    organizer_client.post(
        url(meeting, "agenda-move-topic"), {"topic": blog.pk, "direction": "up"}, **HTMX
    )
    assert topic_order(meeting, "a") == ["a-blog", "a-paper"]

    organizer_client.post(
        url(meeting, "agenda-move-topic"), {"topic": blog.pk, "direction": "down"}
    )
    assert topic_order(meeting, "a") == ["a-paper", "a-blog"]


def test_two_organizers_moving_at_once_lose_nothing(meeting):
    first, second = Client(), Client()
    first.force_login(factories.MemberFactory(is_organizer=True))
    second.force_login(factories.MemberFactory(is_organizer=True))
    a, c = (meeting.blocks.get(presenter__handle=h) for h in ("a", "c"))

    first.post(url(meeting, "agenda-move-block"), {"block": c.pk, "to_index": 0}, **HTMX)
    # The second organizer still saw a, b, c and moves a to the end: applied to the newest order.
    response = second.post(
        url(meeting, "agenda-move-block"), {"block": a.pk, "to_index": 2}, **HTMX
    )

    assert block_order(meeting) == ["c", "b", "a"]
    order = json.loads(response["HX-Trigger"])["agenda-order"]["blocks"]
    assert order == [
        meeting.blocks.get(presenter__handle=h).pk for h in ("c", "b", "a")
    ]  # the newest order


def test_time_budget_totals_and_overrun_warning(organizer_client, meeting):
    meeting.length_minutes = 30
    meeting.save()
    paper = Topic.objects.get(title="a-paper")

    organizer_client.post(url(meeting, "agenda-topic-budget", paper.pk), {"minutes": 20}, **HTMX)
    response = organizer_client.post(
        url(meeting, "agenda-topic-budget", Topic.objects.get(title="b-paper").pk),
        {"minutes": "", "if_time_allows": "on"},
        **HTMX,
    )

    agenda = agenda_for(Meeting.objects.get(pk=meeting.pk))
    # 20 (a-paper) + 10 (c-paper default) + 3 blogs × 5; b-paper only if time allows.
    assert agenda.planned_minutes == 20 + 10 + 15
    assert agenda.optional_minutes == 10
    assert agenda.over_by == 15
    assert "15分オーバーしています" in response.content.decode()


@pytest.mark.parametrize("minutes", ["0", "999", "abc"])
def test_impossible_budget_is_refused_with_a_message(organizer_client, meeting, minutes):
    paper = Topic.objects.get(title="a-paper")

    response = organizer_client.post(
        url(meeting, "agenda-topic-budget", paper.pk), {"minutes": minutes}, **HTMX
    )

    assert response.status_code == 422
    assert "持ち時間は1〜240分" in response.content.decode()
    assert Topic.objects.get(pk=paper.pk).minutes is None


def test_topic_moves_to_the_next_meeting_with_its_remarks(organizer_client, meeting):
    later = factories.meeting(date=dt.date(2025, 4, 11))
    topic = Topic.objects.get(title="b-blog")
    factories.remark(topic=topic, body="次回に持ち越し")

    organizer_client.post(url(meeting, "agenda-topic-next", topic.pk), **HTMX)

    topic.refresh_from_db()
    assert topic.block.meeting == later
    assert topic.block.presenter.handle == "b"
    assert Remark.objects.get().topic == topic


def test_moving_with_no_next_meeting_says_so(organizer_client, meeting):
    topic = Topic.objects.get(title="b-blog")

    response = organizer_client.post(url(meeting, "agenda-topic-next", topic.pk), **HTMX)

    assert response.status_code == 422
    assert "次の勉強会がまだありません" in response.content.decode()
    assert Topic.objects.get(pk=topic.pk).block.meeting == meeting


def test_moving_a_topic_of_another_meeting_is_refused(organizer_client, meeting):
    other = factories.topic(meeting=factories.meeting(date=dt.date(2025, 5, 2)))

    response = organizer_client.post(
        url(meeting, "agenda-move-topic"), {"topic": other.pk, "direction": "up"}, **HTMX
    )

    assert response.status_code == 422
    assert "この勉強会のトピックではありません" in response.content.decode()


def test_main_topic_assignment_shows_on_the_assignees_page(organizer_client):
    meeting = factories.meeting(date=dt.date.today() + dt.timedelta(days=5))
    assignee = factories.MemberFactory(handle="fr", display_name="Fumika")

    organizer_client.post(
        url(meeting, "agenda-main-topic"),
        {"presenter": assignee.pk, "paper_url": "https://arxiv.org/abs/2503.08026", "minutes": 40},
        **HTMX,
    )

    deep_dive = DeepDive.objects.get(meeting=meeting)
    assert (deep_dive.presenter, deep_dive.minutes, deep_dive.title) == (assignee, 40, "")
    as_assignee = Client()
    as_assignee.force_login(assignee)
    page = as_assignee.get(reverse("me")).content.decode()
    assert "担当のメインTOPIC" in page
    assert meeting.date.isoformat() in page


def test_rotation_lists_members_longest_without_a_main_topic_first(organizer_client, meeting):
    recent, long_ago = (
        factories.MemberFactory(display_name="Recent"),
        factories.MemberFactory(display_name="LongAgo"),
    )
    factories.deep_dive(meeting=factories.meeting(date=dt.date(2025, 3, 28)), presenter=recent)
    factories.deep_dive(meeting=factories.meeting(date=dt.date(2024, 3, 29)), presenter=long_ago)

    html = organizer_client.get(url(meeting, "agenda")).content.decode()

    rotation = html[html.index("rotation-table") :]
    assert rotation.index("@A") < rotation.index("@LongAgo") < rotation.index("@Recent")


def test_locking_stops_members_adding_but_not_organizers(organizer_client, meeting):
    member_client = Client()
    member_client.force_login(factories.MemberFactory())
    response = organizer_client.post(url(meeting, "agenda-status"), {"status": "locked"}, **HTMX)
    assert Meeting.objects.get(pk=meeting.pk).status == "locked"
    assert "確定" in response.content.decode()

    refused = member_client.post(
        reverse("topics:create", args=[meeting.date]), {"kind": "blog", "title": "遅れて追加"}
    )
    allowed = organizer_client.post(
        reverse("topics:create", args=[meeting.date]), {"kind": "blog", "title": "運営が追加"}
    )

    assert refused.status_code == 403
    assert allowed.status_code == 302
    assert Topic.objects.filter(title="運営が追加").exists()


def test_impossible_status_change_is_explained(organizer_client, meeting):
    response = organizer_client.post(url(meeting, "agenda-status"), {"status": "held"}, **HTMX)

    assert response.status_code == 422
    assert "には変更できません" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "open"


def test_skipping_a_meeting_keeps_beat_from_recreating_it(organizer_client, meeting):
    from apps.meetings.services import schedule_upcoming_meetings

    organizer_client.post(url(meeting, "agenda-status"), {"status": "skipped"}, **HTMX)
    schedule_upcoming_meetings(today=dt.date(2025, 4, 1), weekday=4, count=2)

    assert Meeting.objects.get(date=meeting.date).status == "skipped"
    assert Meeting.objects.filter(date=dt.date(2025, 4, 4)).count() == 1


ORGANIZER_ENDPOINTS = [
    ("agenda-move-block", lambda m: (), {"block": 1, "direction": "up"}),
    ("agenda-move-topic", lambda m: (), {"topic": 1, "direction": "up"}),
    ("agenda-topic-budget", lambda m: (Topic.objects.first().pk,), {"minutes": 5}),
    ("agenda-topic-next", lambda m: (Topic.objects.first().pk,), {}),
    ("agenda-main-topic", lambda m: (), {"presenter": 1, "minutes": 30}),
    ("agenda-status", lambda m: (), {"status": "locked"}),
    ("agenda-length", lambda m: (), {"length_minutes": 60}),
    ("present-step", lambda m: (), {"step": "next"}),
]


@pytest.mark.parametrize(
    ("name", "args", "data"), ORGANIZER_ENDPOINTS, ids=[e[0] for e in ORGANIZER_ENDPOINTS]
)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_organizer_endpoints_refuse_everyone_else(client, meeting, name, args, data, who):
    if who == "member":
        client.force_login(factories.MemberFactory())
    before = (
        block_order(meeting),
        Meeting.objects.get(pk=meeting.pk).status,
        Meeting.objects.get(pk=meeting.pk).revision,
    )

    response = client.post(url(meeting, name, *args(meeting)), data)

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403
    after = (
        block_order(meeting),
        Meeting.objects.get(pk=meeting.pk).status,
        Meeting.objects.get(pk=meeting.pk).revision,
    )
    assert after == before


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_agenda_page_is_for_organizers(client, meeting, who):
    if who == "member":
        client.force_login(factories.MemberFactory())

    response = client.get(url(meeting, "agenda"))

    assert response.status_code == (302 if who == "anonymous" else 403)


def test_agenda_on_a_meeting_that_does_not_exist_is_404(organizer_client):
    assert (
        organizer_client.get(reverse("meetings:agenda", args=[dt.date(1999, 1, 1)])).status_code
        == 404
    )
    assert (
        organizer_client.post(
            reverse("meetings:agenda-status", args=[dt.date(1999, 1, 1)]), {"status": "locked"}
        ).status_code
        == 404
    )


def test_agenda_page_query_count_does_not_grow_with_topics(organizer_client):
    small = factories.meeting(date=dt.date(2025, 5, 2))
    large = factories.meeting(date=dt.date(2025, 5, 9))
    for target, count in ((small, 2), (large, 20)):
        for i in range(count):
            factories.topic(meeting=target, url=f"https://example.com/{target.pk}/{i}", title="")
    organizer_client.get(url(small, "agenda"))  # the group settings row is created on first use

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        organizer_client.get(url(small, "agenda"))
    with CaptureQueriesContext(connection) as many:
        html = organizer_client.get(url(large, "agenda")).content.decode()

    assert len(many.captured_queries) == len(few.captured_queries)
    assert f"example.com/{large.pk}/19" in html  # an untitled topic shows host + path


def test_board_sidebar_names_untitled_topics_by_host_and_path(member_client):
    topic = factories.topic(url="https://example.com/untitled", title="")

    html = member_client.get(topic.block.meeting.get_absolute_url()).content.decode()

    sidebar = html[html.index('id="agenda"') : html.index("</aside>")]
    assert "example.com/untitled" in sidebar
    assert "https://example.com/untitled" not in sidebar  # no raw URL as a title
