"""X posts: text, author and date through the oEmbed endpoint, a plain card otherwise."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from apps.links.canonical import canonicalize
from apps.links.resolvers import resolve
from apps.links.resolvers.x_posts import x_post
from tests.links.fixtures import allow_local_server, load

POST = "https://x.com/hanako_ml/status/1863123456789012345"


@pytest.fixture
def oembed(httpserver: HTTPServer, settings) -> HTTPServer:
    settings.X_OEMBED_URL = allow_local_server(settings, httpserver) + "/oembed"
    return httpserver


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (POST, ("hanako_ml", "1863123456789012345")),
        ("https://twitter.com/hanako_ml/status/1863123456789012345/photo/1", ("hanako_ml", "1863123456789012345")),  # noqa: E501
        ("https://mobile.twitter.com/hanako_ml/statuses/1863123456789012345", ("hanako_ml", "1863123456789012345")),  # noqa: E501
        ("https://x.com/hanako_ml", None),
        ("https://x.example/hanako_ml/status/1", None),
    ],
)  # fmt: skip
def test_post_addresses(url, expected):
    assert x_post(canonicalize(url).canonical_url) == expected


def test_a_post_from_oembed(oembed):
    oembed.expect_request("/oembed").respond_with_data(
        load("x_oembed.json"), content_type="application/json"
    )

    card = resolve(canonicalize(POST + "?s=20"))

    assert card.description.startswith("今週の勉強会で GRPO の論文を読みます。")
    assert "#機械学習" in card.description
    assert card.authors == ["山田 花子"]
    assert card.published == "2024-12-01"
    assert card.title.startswith("山田 花子: 今週の勉強会で")
    assert card.extra["page_language"] == "ja"
    request = oembed.log[0][0]
    assert request.args["url"] == POST
    assert request.args["dnt"] == "true"


@pytest.mark.parametrize(
    "respond",
    [
        lambda r: r.respond_with_json({"error": "not found"}, status=404),
        lambda r: r.respond_with_data("<html>blocked</html>", content_type="text/html"),
        lambda r: r.respond_with_json({"html": "<blockquote></blockquote>"}),
    ],
)
def test_a_plain_card_when_oembed_says_nothing(oembed, respond):
    respond(oembed.expect_request("/oembed"))

    card = resolve(canonicalize(POST))

    assert card.title == "@hanako_ml のポスト"
    assert card.site_name == "X"
    assert card.canonical_url == POST
