"""One limiter per host family, shared by every worker: requests are spaced by its interval."""

from __future__ import annotations

import itertools
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from apps.links import ratelimit
from apps.links.canonical import canonicalize
from apps.links.provider_limits import DEFAULT_INTERVALS
from apps.links.resolvers import resolve
from tests.links.fixtures import allow_local_server, load

pytestmark = pytest.mark.django_db  # the embedded default keeps the slot in a table

QIITA = "https://qiita.com/hanako_y/items/3f9a1c2b7d8e4f5a6b7c"


@pytest.fixture
def local(httpserver: HTTPServer, settings) -> str:
    if settings.REDIS_URL:  # slots outlive a run in Redis: start from none taken
        client = ratelimit._redis()
        for key in client.scan_iter("board:ratelimit:provider:*"):
            client.delete(key)
    base = allow_local_server(settings, httpserver)
    settings.HUGGINGFACE_URL = base
    settings.QIITA_URL = base
    return base


def test_every_new_provider_has_a_limiter():
    assert set(DEFAULT_INTERVALS) == {
        "github", "huggingface", "openreview", "acl", "doi", "qiita", "zenn", "note", "x",
    }  # fmt: skip
    assert DEFAULT_INTERVALS["qiita"] >= 60  # 60 unauthenticated requests an hour


def test_requests_to_one_family_are_spaced(local, httpserver, settings):
    settings.LINK_PROVIDER_INTERVALS = {"huggingface": 0.4}
    arrivals: list[float] = []

    def answer(_request):
        arrivals.append(time.monotonic())
        return Response(load("hf_model.json"), content_type="application/json")

    httpserver.expect_request(
        "/api/models/meta-llama/Meta-Llama-3-8B-Instruct"
    ).respond_with_handler(answer)
    target = canonicalize("https://huggingface.co/meta-llama/Meta-Llama-3-8B-Instruct")

    for _ in range(3):
        resolve(target)

    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert len(arrivals) == 3
    assert min(gaps) >= 0.35


def test_qiita_without_an_api_slot_gets_a_card_from_its_page(local, httpserver, settings):
    settings.LINK_PROVIDER_INTERVALS = {"qiita": 3600}
    settings.LINK_PROVIDER_FALLBACK_WAIT = 0.1
    httpserver.expect_request("/api/v2/items/3f9a1c2b7d8e4f5a6b7c").respond_with_data(
        load("qiita_item.json"), content_type="application/json"
    )
    httpserver.expect_request("/hanako_y/items/3f9a1c2b7d8e4f5a6b7c").respond_with_data(
        load("qiita_page.html"), content_type="text/html; charset=utf-8"
    )
    target = canonicalize(QIITA)

    first, second = resolve(target), resolve(target)

    assert first.extra["likes"] == 812  # the API's slot
    assert "likes" not in second.extra  # the hour's slot is taken: the page instead
    assert second.title == first.title
    api_calls = [r for r, _ in httpserver.log if r.path.startswith("/api/")]
    assert len(api_calls) == 1
