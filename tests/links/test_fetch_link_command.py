from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.links.fixtures import allow_local_server, load

pytestmark = pytest.mark.django_db


def test_fetch_link_prints_the_card_as_json(httpserver, settings):
    base = allow_local_server(settings, httpserver)
    settings.GITHUB_API_URL = settings.GITHUB_SOCIAL_IMAGE_URL = base
    httpserver.expect_request("/repos/karpathy/nanogpt").respond_with_data(
        load("github_repo.json"), content_type="application/json"
    )
    out = StringIO()

    call_command("fetch_link", "https://github.com/karpathy/nanoGPT", "--json", stdout=out)

    card = json.loads(out.getvalue())
    assert card["status"] == "ok"
    assert card["kind"] == "github"
    assert card["extra"]["language"]


def test_fetch_link_reports_a_refused_address(settings):
    settings.LINK_FETCH_ALLOWED_NETWORKS = []
    out = StringIO()

    call_command("fetch_link", "http://169.254.169.254/latest/meta-data/", stdout=out)

    assert "blocked_address" in out.getvalue()


def test_fetch_link_refuses_what_is_not_a_url():
    with pytest.raises(CommandError):
        call_command("fetch_link", "ftp://example.com/file")
