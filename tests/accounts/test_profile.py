"""Members change their own display name and password; search follows a new name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.services import member_create
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _search(client, query: str) -> str:
    return client.get(reverse("search:search"), {"q": query}).content.decode()


def test_a_member_renames_themselves_and_search_finds_their_topics_by_the_new_name(
    member_client, member
):
    factories.topic(presenter=member, title="蒸留の論文")

    response = member_client.post(reverse("profile"), {"display_name": "  Kenta Sato  "})

    assert response.status_code == 302
    assert response["Location"] == reverse("me")
    member.refresh_from_db()
    assert member.display_name == "Kenta Sato"
    assert "蒸留の論文" in _search(member_client, "Kenta")


def test_an_empty_name_is_refused_with_a_message_and_nothing_changes(member_client, member):
    before = member.display_name

    response = member_client.post(reverse("profile"), {"display_name": "   "})

    assert response.status_code == 422
    assert "表示名を入力してください" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == before


def test_the_handle_cannot_be_changed_from_the_profile_page(member_client, member):
    handle = member.handle

    member_client.post(reverse("profile"), {"display_name": "新しい名前", "handle": "hijack"})

    member.refresh_from_db()
    assert member.handle == handle
    assert member.display_name == "新しい名前"


def test_profile_and_password_pages_need_a_login(client):
    for name in ("profile", "password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_profile_post_without_csrf_token_is_refused(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("profile"), {"display_name": "x"})

    assert response.status_code == 403


def test_a_member_changes_their_password(client):
    member_create(handle="fr", display_name="Fumika", password="old-benkyokai-pass")
    client.post(reverse("login"), {"username": "fr", "password": "old-benkyokai-pass"})

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "old-benkyokai-pass",
            "new_password1": "new-benkyokai-pass-2026",
            "new_password2": "new-benkyokai-pass-2026",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert User.objects.get(handle="fr").check_password("new-benkyokai-pass-2026")


def test_a_wrong_old_password_is_reported(client):
    member_create(handle="fr", display_name="Fumika", password="old-benkyokai-pass")
    client.post(reverse("login"), {"username": "fr", "password": "old-benkyokai-pass"})

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "new-pass-2026-x",
            "new_password2": "new-pass-2026-x",
        },
    )

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert User.objects.get(handle="fr").check_password("old-benkyokai-pass")


def test_an_admin_rename_reaches_the_search_index(admin_client):
    member = factories.MemberFactory(display_name="Old Name", handle="oldh")
    factories.topic(presenter=member, title="量子化の話")
    url = reverse("admin:accounts_user_change", args=[member.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)
    }
    data.update(
        display_name="Renamed Person",
        handle="newh",
        date_joined_0=member.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=member.date_joined.strftime("%H:%M:%S"),
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "量子化の話" in _search(admin_client, "Renamed")
    assert "量子化の話" in _search(admin_client, "by:newh")
