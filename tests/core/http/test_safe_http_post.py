"""POST through the SSRF-safe client (Slack webhooks): the same refusals as GET, a body that
arrives intact, no redirect ever followed, and the same total deadline."""

from __future__ import annotations

import json
import threading
import time

import pytest
from werkzeug import Request, Response

from apps.core.http.safe_http import DEFAULT_USER_AGENT, MAX_POST_BODY_BYTES, FetchError, fetch
from tests.core.http.test_safe_http import BYPASS_DNS, BYPASS_VECTORS
from tests.links.conftest import Site, TLSSite

PAYLOAD = json.dumps({"text": "今週のアジェンダ &lt;確定&gt;"}, ensure_ascii=False).encode()
JSON = {"Content-Type": "application/json; charset=utf-8"}


def test_post_sends_the_body_with_the_callers_content_type(site: Site) -> None:
    received: list[Request] = []

    def hook(request: Request) -> Response:
        received.append(request)
        request.get_data()  # read while the request is open
        return Response("ok", content_type="text/html")

    site.server.expect_request("/hook", method="POST").respond_with_handler(hook)

    response = fetch(
        site.url("/hook"),
        method="POST",
        body=PAYLOAD,
        headers=JSON,
        max_bytes=100,
        resolver=site.dns,
    )

    assert (response.status, response.content) == (200, b"ok")
    [request] = received
    assert request.get_data() == PAYLOAD
    assert json.loads(request.get_data())["text"] == "今週のアジェンダ &lt;確定&gt;"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["Content-Length"] == str(len(PAYLOAD))
    assert request.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert request.headers["Host"] == f"board.test:{site.port}"


def test_post_with_an_empty_body_sends_content_length_zero(site: Site) -> None:
    site.server.expect_request("/hook", method="POST").respond_with_data("ok")

    fetch(site.url("/hook"), method="POST", body=b"", max_bytes=100, resolver=site.dns)

    [request] = site.requests()
    assert request.headers["Content-Length"] == "0"
    assert request.get_data() == b""


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_post_never_follows_a_redirect(site: Site, status: int) -> None:
    site.server.expect_request("/hook", method="POST").respond_with_data(
        "", status=status, headers={"Location": "/elsewhere"}
    )
    site.server.expect_request("/elsewhere").respond_with_data("should not be reached")

    with pytest.raises(FetchError) as caught:
        fetch(
            site.url("/hook"),
            method="POST",
            body=PAYLOAD,
            headers=JSON,
            max_bytes=100,
            resolver=site.dns,
        )

    assert (caught.value.reason, caught.value.status, caught.value.transient) == (
        "http_error",
        status,
        False,
    )
    assert [r.path for r in site.requests()] == ["/hook"]  # the body went to one place only


def test_get_still_follows_redirects(site: Site) -> None:
    site.server.expect_request("/old").respond_with_data(
        "", status=302, headers={"Location": "/new"}
    )
    site.server.expect_request("/new").respond_with_data("moved here")

    assert fetch(site.url("/old"), max_bytes=100, resolver=site.dns).content == b"moved here"


@pytest.mark.parametrize(
    ("status", "transient"),
    [(400, False), (404, False), (410, False), (429, True), (500, True), (503, True)],
)
def test_post_errors_carry_status_and_retry_hint(site: Site, status: int, transient: bool) -> None:
    site.server.expect_request("/hook", method="POST").respond_with_data(
        "no_service", status=status
    )

    with pytest.raises(FetchError) as caught:
        fetch(
            site.url("/hook"),
            method="POST",
            body=PAYLOAD,
            headers=JSON,
            max_bytes=100,
            resolver=site.dns,
        )

    assert (caught.value.reason, caught.value.status, caught.value.transient) == (
        "http_error",
        status,
        transient,
    )
    assert len(site.requests()) == 1  # the client itself never sends a POST twice


@pytest.mark.parametrize(("url", "reason"), BYPASS_VECTORS)
def test_post_is_refused_for_every_bypass_vector_without_network(
    url: str, reason: str, no_network
) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url, method="POST", body=PAYLOAD, headers=JSON, max_bytes=100, resolver=BYPASS_DNS)
    assert caught.value.reason == reason
    assert caught.value.transient is False


def test_post_to_a_name_that_resolves_inside_is_refused(site: Site) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(
            f"http://internal.test:{site.port}/hook",
            method="POST",
            body=PAYLOAD,
            headers=JSON,
            max_bytes=100,
            resolver=site.dns,
        )
    assert caught.value.reason == "blocked_address"
    assert site.requests() == []


def test_post_to_a_webhook_that_hangs_hits_the_total_deadline(
    site: Site, release: threading.Event
) -> None:
    def stall(request: Request) -> Response:
        release.wait(5)
        return Response("too late")

    site.server.expect_request("/hook", method="POST").respond_with_handler(stall)
    started = time.monotonic()

    with pytest.raises(FetchError) as caught:
        fetch(
            site.url("/hook"),
            method="POST",
            body=PAYLOAD,
            headers=JSON,
            max_bytes=100,
            timeout=0.4,
            resolver=site.dns,
        )

    assert (caught.value.reason, caught.value.transient) == ("timeout", True)
    assert time.monotonic() - started < 1.5


def test_post_over_tls_verifies_the_name(site: Site, tls_site: TLSSite) -> None:
    tls_site.server.expect_request("/hook", method="POST", data=PAYLOAD).respond_with_data("ok")

    response = fetch(
        f"https://good.test:{tls_site.port}/hook",
        method="POST",
        body=PAYLOAD,
        headers=JSON,
        max_bytes=100,
        resolver=site.dns,
    )

    assert response.content == b"ok"
    assert tls_site.server_names == ["good.test"]


def test_post_response_is_capped_like_any_other(site: Site) -> None:
    site.server.expect_request("/hook", method="POST").respond_with_data("x" * 1000)

    with pytest.raises(FetchError) as caught:
        fetch(site.url("/hook"), method="POST", body=PAYLOAD, max_bytes=100, resolver=site.dns)
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"method": "GET", "body": b"x"}, ValueError),  # only POST sends a body
        ({"method": "HEAD", "body": b""}, ValueError),
        ({"method": "PUT", "body": b"x"}, ValueError),
        ({"method": "DELETE"}, ValueError),
        ({"method": "POST"}, ValueError),  # a POST always says what it sends
        ({"method": "POST", "body": "text, not bytes"}, TypeError),
        ({"method": "POST", "body": b"x" * (MAX_POST_BODY_BYTES + 1)}, ValueError),
        ({"method": "POST", "body": b"x", "headers": {"Content-Length": "1"}}, ValueError),
        ({"method": "POST", "body": b"x", "headers": {"Transfer-Encoding": "chunked"}}, ValueError),
    ],
)
def test_bad_post_arguments_are_programming_errors(kwargs: dict, error: type, no_network) -> None:
    with pytest.raises(error):
        fetch("http://public.test/hook", max_bytes=100, resolver=BYPASS_DNS, **kwargs)
