"""The brute-force attack on a login: many wrong passwords for one account, from one address
or many, on the board's login and on the admin's. Each test replays part of that attack."""

from __future__ import annotations

import statistics
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from apps.accounts.services import member_create

pytestmark = pytest.mark.django_db

LOCKED = "ログインの失敗が続いたため"
INVALID = "正しいユーザー名とパスワードを入力してください"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 5


def _login(client, username, password, *, address="10.0.0.1", path=None):
    return client.post(
        path or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_two_hundred_wrong_passwords_lock_the_account_and_the_right_one_then_fails(client):
    member_create(
        handle="boss", display_name="Boss", password="right-horse-battery", is_organizer=True
    )

    answers = [_login(client, "boss", f"guess-{i}").status_code for i in range(200)]

    assert answers[:4] == [200] * 4  # the form again, with the usual error
    assert set(answers[5:]) == {429}
    response = _login(client, "boss", "right-horse-battery")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_says_what_to_do(client):
    for i in range(5):
        _login(client, "boss", f"guess-{i}")

    page = _login(client, "boss", "x").content.decode()

    assert "15分ほど待ってから" in page
    assert "運営にロックの解除を頼んで" in page
    assert 'name="username"' in page  # the login form is still there, for after the wait


def test_an_account_is_locked_even_when_each_guess_comes_from_another_address(client):
    member_create(handle="boss", display_name="Boss", password="right-horse-battery")

    for i in range(5):
        _login(client, "boss", f"guess-{i}", address=f"10.0.1.{i}")

    assert _login(client, "boss", "right-horse-battery", address="10.0.9.9").status_code == 429


def test_an_address_is_locked_even_when_each_guess_names_another_account(client):
    member_create(handle="fr", display_name="Fumika", password="right-horse-battery")

    for i in range(5):
        _login(client, f"member{i}", "password1", address="10.0.2.2")

    assert _login(client, "fr", "right-horse-battery", address="10.0.2.2").status_code == 429
    # Another address is not affected: one office's attacker does not lock everyone out.
    assert _login(client, "fr", "right-horse-battery", address="10.0.2.3").status_code == 302


def test_case_and_spaces_do_not_make_a_fresh_account_name(client):
    for i, name in enumerate(["boss", "BOSS", " Boss", "bOsS ", "boss"]):
        _login(client, name, "x", address=f"10.0.3.{i}")

    assert _login(client, "boss", "x", address="10.0.3.99").status_code == 429


def test_logging_in_between_guesses_does_not_reset_the_count(client):
    """An attacker with an account of their own must not clear the failures from their address."""
    member_create(handle="boss", display_name="Boss", password="right-horse-battery")
    member_create(handle="mallory", display_name="M", password="mallory-own-pass")

    for round_ in range(2):
        for i in range(2):
            _login(client, "boss", f"guess-{round_}-{i}")
        assert _login(client, "mallory", "mallory-own-pass").status_code == 302
        client.post(reverse("logout"))
    _login(client, "boss", "guess-last")  # the fifth

    assert _login(client, "boss", "right-horse-battery").status_code == 429


def test_the_admin_login_is_throttled_too(client):
    member_create(handle="boss", display_name="Boss", password="right-horse-battery")
    admin_login = reverse("admin:login")

    for i in range(5):
        _login(client, "boss", f"guess-{i}", path=admin_login)

    response = _login(client, "boss", "right-horse-battery", path=admin_login)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # ...and the lock is the same one the board's login sees.
    assert _login(client, "boss", "right-horse-battery").status_code == 429


def test_the_lock_ends_after_the_cool_off_time(client, settings):
    import datetime as dt

    from axes.models import AccessAttempt

    member_create(handle="boss", display_name="Boss", password="right-horse-battery")
    for i in range(5):
        _login(client, "boss", f"guess-{i}")
    assert _login(client, "boss", "right-horse-battery").status_code == 429

    AccessAttempt.objects.update(attempt_time=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    assert _login(client, "boss", "right-horse-battery").status_code == 302


# --- No user enumeration ----------------------------------------------------------------------


def _accounts():
    member_create(handle="real", display_name="Real", password="right-horse-battery")
    member_create(handle="imported", display_name="Imported")  # no password, as the importer makes
    gone = member_create(handle="gone", display_name="Gone", password="right-horse-battery")
    gone.is_active = False
    gone.save()
    return ["real", "imported", "gone", "nobody-by-this-name"]


def test_every_kind_of_account_gets_the_same_answer(client):
    names = _accounts()

    pages = {}
    for n, name in enumerate(names):
        response = _login(client, name, "wrong-password", address=f"10.0.4.{n}")
        pages[name] = (response.status_code, INVALID in response.content.decode())
    assert set(pages.values()) == {(200, True)}, pages

    # The right password of a deactivated member gets the same answer as a wrong one.
    response = _login(client, "gone", "right-horse-battery", address="10.0.4.50")
    assert (response.status_code, INVALID in response.content.decode()) == (200, True)

    locked = {}
    for n, name in enumerate(names):
        for i in range(6):
            response = _login(client, name, f"guess-{i}", address=f"10.0.5.{n * 10 + i}")
        locked[name] = (response.status_code, response.content.decode().count(LOCKED))
    assert set(locked.values()) == {(429, 1)}, locked


class _MeasurableHasher(PBKDF2PasswordHasher):
    """A real key-stretching hasher, cut down so that one hash is a few milliseconds: slow
    enough that a skipped hash would show in the timing, fast enough for a test."""

    iterations = 30_000


def test_unknown_imported_and_existing_accounts_take_similar_time(client, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}._MeasurableHasher"]
    settings.AXES_FAILURE_LIMIT = 10_000
    names = _accounts()
    timings: dict[str, list[float]] = {name: [] for name in names}

    for round_ in range(15):
        for n, name in enumerate(names):
            start = time.perf_counter()
            _login(client, name, "wrong-password", address=f"10.1.{round_}.{n}")
            timings[name].append(time.perf_counter() - start)

    medians = {name: statistics.median(times) for name, times in timings.items()}
    # Without the dummy hash an unknown name answers in a fraction of the time.
    assert max(medians.values()) / min(medians.values()) < 1.6, medians


# --- Unlocking ---------------------------------------------------------------------------------


def test_an_organizer_sees_the_lock_on_the_members_page_and_lifts_it(client, organizer):
    member_create(handle="boss", display_name="Boss", password="right-horse-battery")
    for i in range(5):
        _login(client, "boss", f"guess-{i}", address=f"10.0.6.{i}")
    assert _login(client, "boss", "right-horse-battery", address="10.0.6.50").status_code == 429

    client.force_login(organizer)
    page = client.get(reverse("members")).content.decode()
    assert "ロック中のログイン" in page
    assert "<code>boss</code>" in page
    assert "ロック中" in page
    response = client.post(reverse("member-unlock"), {"username": "boss"}, follow=True)
    assert "boss のログインのロックを解除しました" in response.content.decode()
    client.post(reverse("logout"))

    assert _login(client, "boss", "right-horse-battery", address="10.0.6.50").status_code == 302


def test_an_organizer_lifts_the_lock_on_an_address(client, organizer):
    for i in range(5):
        _login(client, f"someone{i}", "x", address="10.0.7.7")

    client.force_login(organizer)
    assert "<code>10.0.7.7</code>" in client.get(reverse("members")).content.decode()
    client.post(reverse("member-unlock"), {"ip_address": "10.0.7.7"})

    assert "<code>10.0.7.7</code>" not in client.get(reverse("members")).content.decode()


def test_a_member_cannot_see_or_lift_locks(member_client):
    assert member_client.get(reverse("members")).status_code == 403
    assert member_client.post(reverse("member-unlock"), {"username": "x"}).status_code == 403


def test_the_members_page_takes_a_fixed_number_of_queries(
    client, organizer, django_assert_max_num_queries
):
    for i in range(15):
        member_create(
            handle=f"lk{i}", display_name=f"M{i}", password="pass-word-2026" if i % 2 else ""
        )
        for n in range(5):
            _login(client, f"lk{i}", "x", address=f"10.9.{i}.{n}")
    client.force_login(organizer)

    # the group's settings (language), session, member, lockouts by name and by address,
    # members
    with django_assert_max_num_queries(6):
        page = client.get(reverse("members")).content.decode()
    assert page.count("ロックを解除") >= 15
