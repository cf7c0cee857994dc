"""No URL and no query string answers 500: every pattern, hostile values, each kind of visitor."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.hostile import STAFF, replay, world

VISITORS = {
    "anonymous": None,
    "member": {},
    "organizer": {"is_organizer": True},
    STAFF: {"is_organizer": True, "is_staff": True, "is_superuser": True},
}


@pytest.mark.parametrize("role", list(VISITORS))
def test_no_url_pattern_answers_500_to_hostile_values(db, settings, role):
    # Anonymous visitors reach the views too (read-only), not just the login redirect.
    settings.BOARD_PUBLIC_READ = True
    valid = world()
    client = Client()
    if VISITORS[role] is not None:
        client.force_login(factories.MemberFactory(**VISITORS[role]))

    report = replay({role: client}, valid)

    # The corpus really ran over the URLconf (staff walks only the admin).
    assert len(report.outcomes) > 1000
    failures = sorted(
        {f"{o.probe.method} {o.probe.url[:120]} → {o.error}" for o in report.failures}
    )
    assert failures == [], f"{len(failures)} URLs answered 500:\n" + "\n".join(failures[:60])


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/archive/99999/", 404),
        ("/archive/" + "9" * 30 + "/", 404),
        ("/archive/0/", 404),
        ("/archive/2025/" + "9" * 30 + "/", 404),
        ("/search/?q=RAG&page=9999999999999999999", 200),
        ("/search/?q=RAG&page=-5", 200),
        ("/papers/?page=9999999999999999999&year=" + "9" * 30, 200),
        ("/archive/members/fr/?page=-1", 200),
    ],
)
def test_hostile_numbers_answer_404_or_the_nearest_page(member_client, url, status):
    factories.MemberFactory(handle="fr")
    assert member_client.get(url).status_code == status


def test_a_malformed_date_filter_is_explained_on_the_page(member_client):
    page = member_client.get("/search/", {"q": "RAG after:2025-13-45"})
    assert page.status_code == 200
    assert "2025-13-45" in page.content.decode()


@pytest.mark.parametrize("url", ["/archive/members/a%00b/", "/meetings/%00/", "/papers/%00/"])
def test_a_nul_character_in_the_path_is_refused_with_a_sentence(member_client, url):
    response = member_client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_character_in_a_query_value_is_dropped(member_client, db):
    factories.MemberFactory(handle="fr")
    papers = member_client.get("/papers/", {"tag": "rl\x00vr", "by": "f\x00r"})
    assert papers.status_code == 200
    assert member_client.get("/search/", {"q": "\x00推薦"}).status_code == 200


def test_stored_files_are_never_served_from_a_public_media_url(member_client, settings, tmp_path):
    # Thumbnails and slides are served by views behind the login; /media/ is no route at all.
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "thumb.webp").write_bytes(b"RIFF")
    assert member_client.get("/media/thumb.webp").status_code == 404
    assert member_client.get("/media/" + "x" * 3000).status_code == 404
