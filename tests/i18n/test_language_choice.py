"""The page language: the member's choice, the reader's cookie, the group's default; never the
browser's Accept-Language. Dates follow the language and the group's time zone."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import timezone, translation

from apps.group.services import group_settings_update


def test_the_group_default_wins_over_the_browser(client, member):
    client.force_login(member)
    response = client.get("/accounts/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "ja"
    assert "マイページ" in response.content.decode()


def test_a_member_chooses_english_and_it_is_kept(client, member):
    client.force_login(member)
    response = client.post("/language/", {"language": "en", "next": "/accounts/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    member.refresh_from_db()
    assert member.language == "en"
    client.cookies.clear()  # the member's field alone decides, on any device
    client.force_login(member)
    page = client.get("/accounts/me/").content.decode()
    assert "My page" in page
    assert "マイページ" not in page


def test_a_reader_not_logged_in_keeps_the_choice_in_a_cookie(client, db):
    response = client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    assert response.cookies["language"].value == "en"
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in page
    assert "Log in" in page


def test_the_group_language_is_the_default(client, member):
    group_settings_update(language="en")
    client.force_login(member)
    assert client.get("/accounts/me/")["Content-Language"] == "en"


def test_an_unknown_language_or_outside_target_is_refused(client, member):
    client.force_login(member)
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    member.refresh_from_db()
    assert member.language == ""


def test_dates_per_language(db):
    moment = dt.datetime(2025, 3, 28, 10, 0, tzinfo=dt.UTC)  # 19:00 in Tokyo
    template = Template('{{ m|date:"DATETIME_FORMAT" }}')
    with timezone.override("Asia/Tokyo"):
        with translation.override("ja"):
            assert template.render(Context({"m": moment})) == "2025年3月28日(金) 19:00"
        with translation.override("en"):
            assert template.render(Context({"m": moment})) == "Fri, Mar 28, 2025, 19:00"
