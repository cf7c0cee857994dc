"""Sessions and the secrets members hold: feed tokens, session keys, one-time password links."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.services import member_create, member_deactivate
from apps.group.models import FeedToken
from apps.group.selectors import feed_token_owner
from apps.group.services import feed_token_for
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "right-horse-battery"


def _login(client, handle, password=PASSWORD):
    return client.post(reverse("login"), {"username": handle, "password": password})


# --- Feed tokens ---------------------------------------------------------------------------------


def test_a_feed_token_is_found_only_whole(member):
    token = feed_token_for(user=member).token

    assert feed_token_owner(token=token) == member
    for guess in (token[:-1], token + "x", token[:8], token[:8] + "A" * (len(token) - 8), ""):
        assert feed_token_owner(token=guess) is None, guess


def test_the_feed_lookup_compares_in_constant_time(member, monkeypatch):
    """The comparison goes through hmac.compare_digest, not ==."""
    import hmac

    token = feed_token_for(user=member).token
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))

    feed_token_owner(token=token)
    feed_token_owner(token=token[:8] + "z" * 24)

    assert len(calls) == 2


def test_deactivating_a_member_revokes_their_feed_urls(member_client, member):
    token = feed_token_for(user=member).token
    feed = reverse("group:feed-topics") + f"?token={token}"
    assert Client().get(feed).status_code == 200

    member_deactivate(member=member)

    assert Client().get(feed).status_code == 403
    assert not FeedToken.objects.filter(user=member).exists()
    member.is_active = True
    member.save()
    assert Client().get(feed).status_code == 403  # a reactivated member gets a new URL


def test_the_admin_deactivation_revokes_too(admin_client, member):
    token = feed_token_for(user=member).token
    page = admin_client.get(reverse("admin:accounts_user_change", args=[member.pk]))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "is_active": "",
            "date_joined_0": member.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": member.date_joined.strftime("%H:%M:%S"),
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    data.pop("password", None)
    response = admin_client.post(reverse("admin:accounts_user_change", args=[member.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert feed_token_owner(token=token) is None
    assert not FeedToken.objects.filter(user=member).exists()


def test_a_deactivated_members_open_session_stops_working(client):
    member = member_create(handle="fr", display_name="Fumika", password=PASSWORD)
    _login(client, "fr")
    assert client.get("/").status_code == 200

    member_deactivate(member=member)

    assert client.get("/").status_code == 302


# --- Session keys --------------------------------------------------------------------------------


def test_logging_in_issues_a_new_session_key(client):
    member_create(handle="fr", display_name="Fumika", password=PASSWORD)
    client.get(reverse("login"))
    session = client.session
    session["planted"] = "by an attacker"  # a fixated session: the attacker knows its key
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before

    assert _login(client, "fr").status_code == 302

    assert client.cookies["sessionid"].value != before
    fixated = Client()
    fixated.cookies["sessionid"] = before
    assert fixated.get("/").status_code == 302  # the old key is not logged in


def test_changing_the_password_issues_a_new_key_and_ends_other_sessions(client):
    member_create(handle="fr", display_name="Fumika", password=PASSWORD)
    other = Client()
    _login(other, "fr")
    _login(client, "fr")
    before = client.cookies["sessionid"].value

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "new-benkyo-2026!",
            "new_password2": "new-benkyo-2026!",
        },
    )

    assert response.status_code == 302
    assert client.cookies["sessionid"].value != before
    assert client.get("/").status_code == 200  # this browser stays in
    assert other.get("/").status_code == 302  # the other one is out


def test_sessions_slide_and_have_a_hard_cap(client, settings):
    member_create(handle="fr", display_name="Fumika", password=PASSWORD)
    _login(client, "fr")
    client.get("/")
    session = client.session
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert "seen_at" in session
    assert "started_at" in session

    session["seen_at"] = int(time.time()) - 7200  # last moved two hours ago
    session.save()
    client.get("/")
    assert client.session["seen_at"] > time.time() - 60  # moved forward again

    session = client.session
    session["started_at"] = int(time.time()) - settings.SESSION_MAX_AGE - 10
    session.save()

    assert client.get("/").status_code == 302  # ended: older than SESSION_MAX_AGE


# --- One-time password links ---------------------------------------------------------------------


def _link(organizer_client, member) -> str:
    page = organizer_client.post(reverse("member-password-link", args=[member.pk])).content.decode()
    (url,) = re.findall(r'value="(http[^"]+/password-set/[^"]+)"', page)
    return urlsplit(url).path


def test_an_imported_member_sets_a_password_through_a_one_time_link(organizer_client):
    imported = member_create(handle="pon", display_name="Pon")  # no password
    assert "パスワード設定リンクを発行" in organizer_client.get(reverse("members")).content.decode()
    path = _link(organizer_client, imported)

    browser = Client()
    form_page = browser.get(path, follow=True)
    assert "Pon さん（ログイン名 pon）" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = browser.post(
        set_url, {"new_password1": "pon-first-2026!", "new_password2": "pon-first-2026!"}
    )
    assert done.status_code == 302
    assert _login(Client(), "pon", "pon-first-2026!").status_code == 302

    again = Client().get(path, follow=True).content.decode()
    assert "このリンクは使えません" in again


def test_the_link_expires(organizer_client, settings):
    imported = member_create(handle="pon", display_name="Pon")
    path = _link(organizer_client, imported)
    settings.PASSWORD_RESET_TIMEOUT = -1

    assert "このリンクは使えません" in Client().get(path, follow=True).content.decode()


def test_no_link_for_members_with_a_password_or_staff(organizer_client, member_client):
    with_password = member_create(handle="fr", display_name="F", password=PASSWORD)
    staff = factories.MemberFactory(is_staff=True)
    staff.set_unusable_password()
    staff.save()
    imported = member_create(handle="pon", display_name="Pon")

    for target in (with_password, staff):
        url = reverse("member-password-link", args=[target.pk])
        assert organizer_client.post(url).status_code == 403
    assert (
        member_client.post(reverse("member-password-link", args=[imported.pk])).status_code == 403
    )
