"""The settings page (organizers only) and the feeds page (every member)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from apps.group.models import FeedToken, GroupSettings, Reminder
from apps.group.selectors import group_settings
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_URL = "https://hooks.slack.com/services/T0001/B0002/SECRETabcd1234"


def form_data(**overrides) -> dict:
    data = {
        "name": "機械学習勉強会",
        "meeting_weekday": "4",
        "start_time": "19:00",
        "length_minutes": "90",
        "time_zone": "Asia/Tokyo",
        "deadline_days_before": "1",
        "deadline_time": "18:00",
        "minutes_paper": "10",
        "minutes_blog": "5",
        "minutes_oss": "5",
        "minutes_main_topic": "30",
        "guidance_template": "今週のTOPIC",
        "remind_call_for_topics": "on",
        "reminder_hours_before_deadline": "24",
        "remind_agenda": "on",
        "webhook": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- permission matrix --------------------------------------------------------------------


# Each: method, URL, data, and whether the organizer's effect happened (given the response).
def settings_get(w):
    return (
        "get",
        reverse("group:settings"),
        {},
        lambda r: "Slack Incoming Webhook URL" in r.content.decode(),
    )


def settings_post(w):
    return (
        "post",
        reverse("group:settings"),
        form_data(name="変更後"),
        lambda r: group_settings().name == "変更後",
    )


def reminder_resend(w):
    url = reverse("group:reminder-resend", args=[w["reminder"].pk])
    return "post", url, {}, lambda r: Reminder.objects.get(pk=w["reminder"].pk).status == "pending"


ORGANIZER_ENDPOINTS = [settings_get, settings_post, reminder_resend]


@pytest.fixture
def world(group):
    meeting = factories.meeting()
    reminder = Reminder.objects.create(
        meeting=meeting, kind="agenda", status="failed", error="HTTP 404"
    )
    return {"reminder": reminder}


def client_for(who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(factories.MemberFactory(is_organizer=who == "organizer"))
    return client


@pytest.mark.parametrize("endpoint", ORGANIZER_ENDPOINTS, ids=lambda e: e.__name__)
@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 302), ("member", 403), ("organizer", None)]
)
def test_organizer_endpoints_permission_matrix(world, endpoint, who, expected):
    method, url, data, happened = endpoint(world)

    response = getattr(client_for(who), method)(url, data)

    if expected == 302:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == 403:
        assert response.status_code == 403
    else:
        assert response.status_code in (200, 302)
    assert happened(response) is (who == "organizer")


@pytest.mark.parametrize(
    ("name", "method"),
    [("group:feeds", "get"), ("group:feeds-reset", "post")],
)
def test_the_feeds_page_is_for_every_signed_in_member(group, name, method):
    assert getattr(client_for("anonymous"), method)(reverse(name)).status_code == 302
    assert getattr(client_for("member"), method)(reverse(name)).status_code in (200, 302)


def test_the_nav_links_the_settings_page_for_organizers_only(group, organizer_client, client):
    home = reverse("meetings:list")
    assert reverse("group:settings") in organizer_client.get(home).content.decode()
    client.force_login(factories.MemberFactory())
    assert reverse("group:settings") not in client.get(home).content.decode()


def test_saving_needs_a_csrf_token(group, organizer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)

    response = client.post(reverse("group:settings"), form_data(name="偽の変更"))

    assert response.status_code == 403
    assert group_settings().name == "機械学習勉強会"


# --- the settings form --------------------------------------------------------------------


def test_organizer_saves_the_settings(group, organizer_client):
    response = organizer_client.post(
        reverse("group:settings"),
        form_data(name="LLM勉強会", meeting_weekday="2", start_time="20:00", webhook=SECRET_URL),
    )

    assert response.status_code == 302
    saved = group_settings()
    assert (saved.name, saved.meeting_weekday, saved.start_time.isoformat()) == (
        "LLM勉強会",
        2,
        "20:00:00",
    )
    assert saved.slack_webhook_url == SECRET_URL
    page = organizer_client.get(response["Location"]).content.decode()
    assert "会の設定を保存しました" in page


def test_the_page_shows_labels_and_help_in_japanese(group, organizer_client):
    page = organizer_client.get(reverse("group:settings")).content.decode()

    for text in (
        "開催曜日",
        "金曜日",
        "開始時刻",
        "トピック締切（何日前）",
        "[論文] の持ち時間（分）",
        "Slack Incoming Webhook URL",
        "Asia/Tokyo",
    ):
        assert text in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"deadline_days_before": "0", "deadline_time": "20:00"},
            "締切が会の開始（19:00）より後になっています",
        ),
        ({"length_minutes": "0"}, "10 以上"),
        ({"meeting_weekday": "7"}, "7"),
        ({"minutes_main_topic": "120"}, "会の長さ（90分）を超えています"),
        ({"time_zone": "Mars/Olympus"}, "Mars/Olympus"),
        (
            {"webhook": "http://hooks.slack.com/services/T/B/X"},
            "https:// で始まるURLを入力してください",
        ),
        ({"start_time": "25:00"}, "時刻"),
    ],
)
def test_impossible_settings_come_back_with_a_message_and_change_nothing(
    group, organizer_client, overrides, message
):
    before = GroupSettings.objects.get()

    response = organizer_client.post(reverse("group:settings"), form_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert GroupSettings.objects.get().updated_at == before.updated_at


def test_errors_found_by_the_service_land_on_their_field(group, organizer_client, monkeypatch):
    def refuse(**fields):
        raise ValidationError(
            {"slack_webhook_url": ["このURLは使えません。"], "id": ["一つだけです。"]}
        )

    monkeypatch.setattr("apps.group.services.group_settings_update", refuse)

    response = organizer_client.post(reverse("group:settings"), form_data(webhook=SECRET_URL))

    form = response.context["form"]
    assert form.errors["webhook"] == ["このURLは使えません。"]
    assert form.non_field_errors() == ["一つだけです。"]


def test_the_webhook_url_is_never_shown_back(group, organizer_client):
    GroupSettings.objects.update(slack_webhook_url=SECRET_URL)

    page = organizer_client.get(reverse("group:settings")).content.decode()

    assert "SECRET" not in page
    assert "https://hooks.slack.com/…1234" in page


def test_an_empty_webhook_field_keeps_the_url_and_the_checkbox_clears_it(group, organizer_client):
    GroupSettings.objects.update(slack_webhook_url=SECRET_URL)

    organizer_client.post(reverse("group:settings"), form_data(name="名前だけ変更"))
    assert group_settings().slack_webhook_url == SECRET_URL

    organizer_client.post(reverse("group:settings"), form_data(clear_webhook="on"))
    assert group_settings().slack_webhook_url == ""


def test_the_settings_page_takes_a_fixed_number_of_queries(
    group, organizer_client, django_assert_max_num_queries
):
    for _ in range(12):
        Reminder.objects.create(meeting=factories.meeting(), kind="agenda", status="sent")

    with django_assert_max_num_queries(4):  # session, member, settings, reminders with meetings
        organizer_client.get(reverse("group:settings"))


# --- the feeds page -----------------------------------------------------------------------


def test_a_member_gets_personal_feed_urls_and_can_renew_them(
    group, member_client, member, settings
):
    settings.SITE_URL = "https://board.example.jp"

    page = member_client.get(reverse("group:feeds")).content.decode()
    token = FeedToken.objects.get(user=member).token

    assert f"https://board.example.jp/feeds/meetings.ics?token={token}" in page
    assert f"webcal://board.example.jp/feeds/meetings.ics?token={token}" in page
    assert f"https://board.example.jp/feeds/topics.atom?token={token}" in page
    assert (
        member_client.get(reverse("group:feeds")).content.decode().count(token) == 3
    )  # same token

    member_client.post(reverse("group:feeds-reset"))

    assert FeedToken.objects.get(user=member).token != token
