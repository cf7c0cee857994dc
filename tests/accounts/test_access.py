from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.services import member_create
from tests import factories

pytestmark = pytest.mark.django_db


def test_board_requires_login_by_default(client):
    meeting = factories.meeting()

    for url in ("/", meeting.get_absolute_url(), reverse("meetings:list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_public_read_setting_opens_the_board_to_anonymous_readers(client, settings):
    settings.BOARD_PUBLIC_READ = True
    topic = factories.topic(title="公開される話")

    response = client.get(topic.block.meeting.get_absolute_url())

    assert response.status_code == 200
    assert "公開される話" in response.content.decode()
    assert "コメントする" not in response.content.decode()


def test_member_logs_in_with_handle_and_lands_on_the_board(client):
    member_create(handle="fr", display_name="Fumika", password="benkyokai-pass")

    response = client.post(reverse("login"), {"username": "fr", "password": "benkyokai-pass"})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_an_error_in_japanese(client):
    member_create(handle="fr", display_name="Fumika", password="benkyokai-pass")

    response = client.post(reverse("login"), {"username": "fr", "password": "nope"})

    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_logout_is_a_post(member_client):
    response = member_client.post(reverse("logout"))

    assert response.status_code == 302
    assert member_client.get("/").status_code == 302


def test_handles_are_unique_regardless_of_case():
    member_create(handle="fr", display_name="A")

    with pytest.raises(ValidationError):
        member_create(handle="FR", display_name="B")


def test_imported_members_without_password_cannot_log_in(client):
    member_create(handle="qluto", display_name="Ryosuke")

    response = client.post(reverse("login"), {"username": "qluto", "password": ""})

    assert response.status_code == 200


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok")
