from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.meetings.models import DEFAULT_GUIDANCE, Meeting
from tests import factories

pytestmark = pytest.mark.django_db

CREATE = reverse("meetings:create")


def form_data(**overrides):
    data = {"date": "2025-04-04", "title": "機械学習勉強会", "status": "open", "guidance": "案内"}
    data.update(overrides)
    return data


def test_organizer_creates_a_meeting_and_lands_on_its_board(organizer_client):
    response = organizer_client.post(CREATE, form_data(guidance="**必ず**URLを貼る"))

    meeting = Meeting.objects.get(date=dt.date(2025, 4, 4))
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert "<strong>必ず</strong>URLを貼る" in meeting.guidance_html


def test_create_form_starts_with_the_group_defaults(organizer_client):
    html = organizer_client.get(CREATE).content.decode()

    assert 'value="機械学習勉強会"' in html
    assert DEFAULT_GUIDANCE.splitlines()[0] in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "このフィールドは必須です。"),
        ({"date": "2025-13-40"}, "日付を正しく入力してください。"),
        ({"date": "来週の金曜"}, "日付を正しく入力してください。"),
        ({"status": "cancelled"}, "正しく選択してください。"),
    ],
)
def test_invalid_meeting_form_shows_a_japanese_error_and_keeps_input(
    organizer_client, overrides, message
):
    response = organizer_client.post(CREATE, form_data(guidance="残しておく案内", **overrides))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "残しておく案内" in html
    assert not Meeting.objects.exists()


def test_duplicate_date_is_refused_with_a_clear_message(organizer_client):
    factories.meeting(date=dt.date(2025, 4, 4))

    response = organizer_client.post(CREATE, form_data())

    assert "この日付の勉強会はすでにあります。" in response.content.decode()
    assert Meeting.objects.count() == 1


def test_organizer_edits_a_meeting(organizer_client):
    meeting = factories.meeting(date=dt.date(2025, 4, 4))

    organizer_client.post(
        reverse("meetings:edit", kwargs={"date": meeting.date}),
        form_data(title="特別回", status="locked"),
    )

    meeting.refresh_from_db()
    assert (meeting.title, meeting.status) == ("特別回", "locked")


@pytest.mark.parametrize(
    ("start", "to"), [("open", "held"), ("draft", "locked"), ("held", "open"), ("skipped", "held")]
)
def test_the_edit_form_refuses_a_status_move_the_agenda_refuses(organizer_client, start, to):
    meeting = factories.meeting(date=dt.date(2025, 4, 4), status=start)

    response = organizer_client.post(
        reverse("meetings:edit", kwargs={"date": meeting.date}),
        form_data(title="特別回", status=to),
    )

    assert response.status_code == 200  # the form again, with the reason on the status field
    assert "には変更できません" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status) == ("機械学習勉強会", start)  # nothing saved


@pytest.mark.parametrize("url_name", ["meetings:create", "meetings:edit"])
def test_members_cannot_create_or_edit_meetings(member_client, url_name):
    meeting = factories.meeting(date=dt.date(2025, 4, 4))
    kwargs = {"date": meeting.date} if url_name == "meetings:edit" else {}

    response = member_client.post(
        reverse(url_name, kwargs=kwargs), form_data(date="2025-05-02", title="x")
    )

    assert response.status_code == 403
    assert "権限がありません" in response.content.decode()
    assert list(Meeting.objects.values_list("title", flat=True)) == ["機械学習勉強会"]


def test_anonymous_users_are_sent_to_login(client):
    response = client.post(CREATE, form_data())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Meeting.objects.exists()
