"""The SSRF-safe client: refusals without network access, and real exchanges with local servers."""

from __future__ import annotations

import contextlib
import gzip
import io
import pickle
import socket
import threading
import time
import tracemalloc
import zlib

import pytest
from PIL import Image
from werkzeug import Request, Response

from apps.core.http import safe_http
from apps.core.http.safe_http import (
    ACCEPT_HTML,
    DEFAULT_USER_AGENT,
    MAX_HTML_BYTES,
    FetchError,
    FetchResponse,
    fetch,
)
from tests.links.conftest import FakeDNS, Site, TLSSite

# --- refusals that must happen before any packet leaves -------------------------------------

BYPASS_DNS = FakeDNS(
    {
        "internal.test": "10.0.0.5",
        "metadata.test": "169.254.169.254",
        "rebind.test": ["93.184.216.34", "127.0.0.1"],  # public decoy first
        "v6internal.test": ["2606:4700::1111", "fd00::1"],
        "mapped.test": "::ffff:10.0.0.1",
        "nat64.test": "64:ff9b::a9fe:a9fe",
        "cgnat.test": "100.64.1.1",
        "zero.test": "0.0.0.0",
        "localhost": ["127.0.0.1", "::1"],
        "xn--bcher-kva.test": "192.168.1.20",
        "garbage.test": ["93.184.216.34", "not-an-ip"],
        "empty.test": [],
        "public.test": "93.184.216.34",
    }
)

BYPASS_VECTORS = [
    # schemes and URL syntax
    ("ftp://public.test/", "invalid_url"),
    ("file:///etc/passwd", "invalid_url"),
    ("gopher://127.0.0.1:70/_INFO", "invalid_url"),
    ("javascript:alert(1)", "invalid_url"),
    ("http:/127.0.0.1/", "invalid_url"),
    ("http:///127.0.0.1/", "invalid_url"),
    ("//127.0.0.1/", "invalid_url"),
    (" http://127.0.0.1/", "invalid_url"),
    ("http://127.0.0.\n1/", "invalid_url"),  # urlsplit would silently drop the newline
    ("http://127.0.0.1\t/", "invalid_url"),
    ("http://pub lic.test/", "invalid_url"),
    # credentials and userinfo tricks
    ("http://public.test@127.0.0.1/", "invalid_url"),
    ("http://user:pass@public.test/", "invalid_url"),
    ("http://127.0.0.1%2f@public.test/", "invalid_url"),
    ("http://public.test\\@127.0.0.1/", "invalid_url"),
    ("http://127.0.0.1\\.public.test/", "invalid_url"),
    ("http://127.0.0.1#@public.test/", "blocked_address"),  # the host really is 127.0.0.1
    # IPv4 literals in every spelling
    ("http://127.0.0.1/", "blocked_address"),
    ("HTTP://127.0.0.1/", "blocked_address"),
    ("http://127.0.0.1./", "blocked_address"),
    ("http://127.1/", "blocked_address"),
    ("http://127.0.1/", "blocked_address"),
    ("http://2130706433/", "blocked_address"),
    ("http://0177.0.0.1/", "blocked_address"),
    ("http://0x7f.1/", "blocked_address"),
    ("http://0x7F000001/", "blocked_address"),
    ("http://017700000001/", "blocked_address"),
    ("http://0/", "blocked_address"),
    ("http://0.0.0.0/", "blocked_address"),
    ("http://10.0.0.1/", "blocked_address"),
    ("http://172.16.0.1/", "blocked_address"),
    ("http://192.168.1.1/", "blocked_address"),
    ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
    ("http://0xa9.0xfe.0xa9.0xfe/", "blocked_address"),
    ("http://2852039166/", "blocked_address"),
    ("http://100.64.0.1/", "blocked_address"),
    ("http://224.0.0.1/", "blocked_address"),
    ("http://240.0.0.1/", "blocked_address"),
    ("http://255.255.255.255/", "blocked_address"),
    ("http://192.0.2.1/", "blocked_address"),
    ("http://198.18.0.1/", "blocked_address"),
    ("https://10.0.0.1/", "blocked_address"),
    ("http://１２７．０．０．１/", "blocked_address"),
    ("http://127。0。0。1/", "blocked_address"),
    ("http://1.2.3.4.5/", "invalid_url"),
    ("http://256.0.0.1/", "invalid_url"),
    ("http://0x7g.1/", "invalid_url"),
    ("http://%31%32%37.0.0.1/", "invalid_url"),
    # IPv6 literals
    ("http://[::1]/", "blocked_address"),
    ("http://[::]/", "blocked_address"),
    ("http://[0:0:0:0:0:0:0:1]/", "blocked_address"),
    ("http://[::ffff:127.0.0.1]/", "blocked_address"),
    ("http://[::ffff:7f00:1]/", "blocked_address"),
    ("http://[::ffff:a9fe:a9fe]/", "blocked_address"),
    ("http://[::127.0.0.1]/", "blocked_address"),
    ("http://[64:ff9b::127.0.0.1]/", "blocked_address"),
    ("http://[64:ff9b::a9fe:a9fe]/", "blocked_address"),
    ("http://[64:ff9b:1::93.184.216.34]/", "blocked_address"),
    ("http://[2002:7f00:1::1]/", "blocked_address"),
    ("http://[2002:a00:5::]/", "blocked_address"),
    ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "blocked_address"),
    ("http://[fe80::1]/", "blocked_address"),
    ("http://[fc00::1]/", "blocked_address"),
    ("http://[fd12:3456::1]/", "blocked_address"),
    ("http://[ff02::1]/", "blocked_address"),
    ("http://[2001:db8::1]/", "blocked_address"),
    ("http://[fe80::1%25eth0]/", "invalid_url"),
    ("http://[::1%lo]/", "invalid_url"),
    ("http://[127.0.0.1]/", "invalid_url"),
    ("http://[::1/", "invalid_url"),
    ("http://::1/", "invalid_url"),
    # names that resolve somewhere private
    ("http://internal.test/", "blocked_address"),
    ("http://INTERNAL.test./", "blocked_address"),
    ("http://metadata.test/latest/meta-data/", "blocked_address"),
    ("http://rebind.test/", "blocked_address"),
    ("http://v6internal.test/", "blocked_address"),
    ("http://mapped.test/", "blocked_address"),
    ("http://nat64.test/", "blocked_address"),
    ("http://cgnat.test/", "blocked_address"),
    ("http://zero.test/", "blocked_address"),
    ("http://localhost/", "blocked_address"),
    ("http://ｌｏｃａｌｈｏｓｔ/", "blocked_address"),
    ("http://bücher.test/", "blocked_address"),  # IDN looked up as its punycode form
    ("http://garbage.test/", "blocked_address"),
    # ports
    ("http://public.test:22/", "blocked_port"),
    ("http://public.test:6379/", "blocked_port"),
    ("http://127.0.0.1:8080/", "blocked_port"),
    ("https://public.test:8443/", "blocked_port"),
    ("http://public.test:0/", "invalid_url"),
    ("http://public.test:99999/", "invalid_url"),
    ("http://public.test:+80/", "invalid_url"),
    ("http://public.test:８０/", "invalid_url"),
    ("http://public.test:80:80/", "invalid_url"),
    # DNS
    ("http://unknown.test/", "dns_failure"),
    ("http://empty.test/", "dns_failure"),
]


@pytest.mark.parametrize(("url", "reason"), BYPASS_VECTORS)
def test_bypass_vectors_are_refused_without_network(url: str, reason: str, no_network) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(url, max_bytes=MAX_HTML_BYTES, resolver=BYPASS_DNS)
    assert caught.value.reason == reason
    assert caught.value.transient is False


def test_there_are_at_least_forty_bypass_vectors() -> None:
    assert len(BYPASS_VECTORS) >= 40


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://[::1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://169.254.169.254/",
    ],
)
def test_ip_literals_are_refused_with_the_default_resolver(url: str, no_network) -> None:
    # no_network also forbids getaddrinfo: literals are vetted without any lookup.
    with pytest.raises(FetchError) as caught:
        fetch(url, max_bytes=MAX_HTML_BYTES)
    assert caught.value.reason == "blocked_address"


def test_localhost_is_refused_through_the_system_resolver() -> None:
    with pytest.raises(FetchError) as caught:
        fetch("http://localhost/", max_bytes=MAX_HTML_BYTES)
    assert caught.value.reason == "blocked_address"


def test_a_temporary_dns_failure_is_transient(no_network) -> None:
    def flaky(host: str) -> list[str]:
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    with pytest.raises(FetchError) as caught:
        fetch("http://public.test/", max_bytes=100, resolver=flaky)
    assert (caught.value.reason, caught.value.transient) == ("dns_failure", True)


def test_the_same_loopback_url_is_refused_until_the_operator_allows_it(site: Site, settings):
    site.server.expect_request("/").respond_with_data("ok")
    settings.LINK_FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=100, resolver=site.dns)
    assert caught.value.reason == "blocked_address"
    assert site.requests() == []


def test_ports_are_refused_unless_configured(site: Site, settings) -> None:
    site.server.expect_request("/").respond_with_data("ok")
    settings.LINK_FETCH_ALLOWED_PORTS = [80, 443]
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=100, resolver=site.dns)
    assert caught.value.reason == "blocked_port"
    assert site.requests() == []


# --- successful fetches -------------------------------------------------------------------


def test_html_page_with_charset(site: Site) -> None:
    body = "<html><title>勉強会</title></html>".encode("shift_jis")
    site.server.expect_request("/page").respond_with_data(
        body, content_type='text/html; charset="Shift_JIS"', headers={"X-Extra": "1"}
    )
    response = fetch(
        site.url("/page"), max_bytes=MAX_HTML_BYTES, accept=ACCEPT_HTML, resolver=site.dns
    )
    assert isinstance(response, FetchResponse)
    assert response.url == f"http://board.test:{site.port}/page"
    assert response.status == 200
    assert response.content == body
    assert response.content_type == "text/html"
    assert response.charset == "shift_jis"
    assert response.headers["x-extra"] == "1"
    assert all(name == name.lower() for name in response.headers)


def test_request_carries_host_honest_user_agent_and_caller_headers(site: Site) -> None:
    site.server.expect_request("/api").respond_with_json({"ok": True})
    fetch(
        site.url("/api"),
        max_bytes=1000,
        accept=("application/json",),
        headers={"Authorization": "token abc"},
        resolver=site.dns,
    )
    (request,) = site.requests()
    assert request.headers["Host"] == f"board.test:{site.port}"
    assert request.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert request.headers["Authorization"] == "token abc"
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Accept-Encoding"] == "gzip"


def test_user_agent_comes_from_settings(site: Site, settings) -> None:
    settings.LINK_FETCH_USER_AGENT = "StudyBoard/2.0 (+https://board.example/bot)"
    site.server.expect_request("/").respond_with_data("ok")
    fetch(site.url("/"), max_bytes=100, resolver=site.dns)
    assert site.requests()[0].headers["User-Agent"] == "StudyBoard/2.0 (+https://board.example/bot)"


def test_image_bytes_by_type_prefix(site: Site) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(buffer, "PNG")
    png = buffer.getvalue()
    site.server.expect_request("/thumb.png").respond_with_data(png, content_type="image/png")
    response = fetch(
        site.url("/thumb.png"), max_bytes=10_000, accept=("image/",), resolver=site.dns
    )
    assert response.content == png
    assert (response.content_type, response.charset) == ("image/png", None)
    assert Image.open(io.BytesIO(response.content)).size == (4, 3)


def test_non_ascii_paths_are_percent_encoded(site: Site) -> None:
    site.server.expect_request("/wiki/機械学習", query_string={"q": "強化学習"}).respond_with_data(
        "ok"
    )
    response = fetch(site.url("/wiki/機械学習?q=強化学習#概要"), max_bytes=100, resolver=site.dns)
    assert response.status == 200
    assert response.url == (
        f"http://board.test:{site.port}/wiki/%E6%A9%9F%E6%A2%B0%E5%AD%A6%E7%BF%92"
        "?q=%E5%BC%B7%E5%8C%96%E5%AD%A6%E7%BF%92"
    )


def test_head_request(site: Site) -> None:
    site.server.expect_request("/doc.pdf", method="HEAD").respond_with_data(
        b"%PDF-" + b"x" * 5000, content_type="application/pdf"
    )
    response = fetch(
        site.url("/doc.pdf"),
        max_bytes=10,
        accept=("application/pdf",),
        resolver=site.dns,
        method="HEAD",
    )
    assert (response.status, response.content, response.content_type) == (
        200,
        b"",
        "application/pdf",
    )


def test_gzip_body_is_decoded(site: Site) -> None:
    html = "<p>勉強会</p>".encode() * 100
    site.server.expect_request("/").respond_with_data(
        gzip.compress(html), content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    response = fetch(site.url("/"), max_bytes=len(html), resolver=site.dns)
    assert response.content == html


def test_deflate_body_is_decoded(site: Site) -> None:
    html = b"<p>hello</p>" * 100
    site.server.expect_request("/").respond_with_data(
        zlib.compress(html), content_type="text/html", headers={"Content-Encoding": "deflate"}
    )
    assert fetch(site.url("/"), max_bytes=10_000, resolver=site.dns).content == html


# --- DNS pinning ----------------------------------------------------------------------------


class RebindingDNS:
    """Answers the local server once, then an internal address: a DNS rebinding attack."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, host: str) -> list[str]:
        self.calls += 1
        return ["127.0.0.1"] if self.calls == 1 else ["10.0.0.1"]


def test_connection_goes_to_the_vetted_address_without_second_lookup(site: Site, monkeypatch):
    site.server.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    site.server.expect_request("/b").respond_with_data("pinned")
    looked_up: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def recording_getaddrinfo(host, *args, **kwargs):
        looked_up.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)
    dns = RebindingDNS()
    response = fetch(f"http://good.test:{site.port}/a", max_bytes=100, resolver=dns)
    assert response.content == b"pinned"
    assert dns.calls == 1  # also across the redirect back to the same host
    assert set(looked_up) == {"127.0.0.1"}  # the socket layer only ever saw the address
    assert [r.headers["Host"] for r in site.requests()] == [f"good.test:{site.port}"] * 2


def test_unreachable_addresses_fall_back_to_the_next_vetted_one(site: Site) -> None:
    site.server.expect_request("/").respond_with_data("ok")
    site.dns.table["dual.test"] = ["::1", "127.0.0.1"]  # the server listens on IPv4 only
    response = fetch(site.url("/", host="dual.test"), max_bytes=100, resolver=site.dns)
    assert response.content == b"ok"


def test_connection_refused_is_transient(site: Site, settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.LINK_FETCH_ALLOWED_PORTS = [closed_port]
    with pytest.raises(FetchError) as caught:
        fetch(f"http://board.test:{closed_port}/", max_bytes=100, resolver=site.dns)
    assert (caught.value.reason, caught.value.transient) == ("connect_failed", True)


# --- redirects ------------------------------------------------------------------------------


def redirect(site: Site, path: str, location: str, status: int = 302) -> None:
    site.server.expect_request(path).respond_with_data(
        "", status=status, headers={"Location": location}
    )


def test_relative_and_absolute_redirects(site: Site) -> None:
    redirect(site, "/start", "next")  # relative to /start
    redirect(site, "/next", f"http://other.test:{site.port}/docs/a/b", status=301)
    redirect(site, "/docs/a/b", "../c?x=1", status=308)
    site.server.expect_request("/docs/c", query_string="x=1").respond_with_data("arrived")
    response = fetch(site.url("/start"), max_bytes=100, resolver=site.dns)
    assert response.content == b"arrived"
    assert response.url == f"http://other.test:{site.port}/docs/c?x=1"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_followed(site: Site, status: int) -> None:
    redirect(site, "/old", "/new", status=status)
    site.server.expect_request("/new").respond_with_data("new")
    assert fetch(site.url("/old"), max_bytes=100, resolver=site.dns).content == b"new"


def test_five_redirects_are_followed(site: Site) -> None:
    for i in range(5):
        redirect(site, f"/r{i}", f"/r{i + 1}")
    site.server.expect_request("/r5").respond_with_data("end")
    assert fetch(site.url("/r0"), max_bytes=100, resolver=site.dns).content == b"end"


def test_a_sixth_redirect_is_refused(site: Site) -> None:
    for i in range(6):
        redirect(site, f"/s{i}", f"/s{i + 1}")
    site.server.expect_request("/s6").respond_with_data("never")
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/s0"), max_bytes=100, resolver=site.dns)
    assert (caught.value.reason, caught.value.transient) == ("too_many_redirects", False)
    assert "/s6" not in [r.path for r in site.requests()]


def test_redirect_loop_is_cut(site: Site) -> None:
    redirect(site, "/loop", "/loop")
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/loop"), max_bytes=100, resolver=site.dns)
    assert caught.value.reason == "too_many_redirects"
    assert len(site.requests()) == 6


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://[::ffff:10.0.0.1]/", "blocked_address"),
        ("http://167772161:{port}/", "blocked_address"),  # 10.0.0.1
        ("http://internal.test:{port}/", "blocked_address"),
        ("http://board.test:6379/", "blocked_port"),
        ("file:///etc/passwd", "invalid_url"),
        ("gopher://board.test/", "invalid_url"),
        ("http://board.test@10.0.0.1/", "invalid_url"),
        ("http://board.test:{port}\\@10.0.0.1/", "invalid_url"),
    ],
)
def test_every_redirect_hop_is_vetted_again(site: Site, location: str, reason: str) -> None:
    site.server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": location.format(port=site.port)}
    )
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/go"), max_bytes=100, resolver=site.dns)
    assert caught.value.reason == reason
    assert [r.path for r in site.requests()] == ["/go"]


def test_credentials_stay_with_their_origin(site: Site) -> None:
    redirect(site, "/a", "/b")  # same origin: token kept
    redirect(site, "/b", f"http://other.test:{site.port}/c")  # elsewhere: token dropped
    redirect(site, "/c", f"http://board.test:{site.port}/d")  # back home: token again
    site.server.expect_request("/d").respond_with_data("ok")
    fetch(
        site.url("/a"),
        max_bytes=100,
        headers={"Authorization": "token abc", "X-Trace": "7"},
        resolver=site.dns,
    )
    seen = [
        (r.path, r.headers.get("Authorization"), r.headers.get("X-Trace")) for r in site.requests()
    ]
    assert seen == [
        ("/a", "token abc", "7"),
        ("/b", "token abc", "7"),
        ("/c", None, "7"),
        ("/d", "token abc", "7"),
    ]


def test_redirect_without_location_is_an_http_error(site: Site) -> None:
    site.server.expect_request("/").respond_with_data("", status=302)
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=100, resolver=site.dns)
    assert (caught.value.reason, caught.value.status) == ("http_error", 302)


# --- size caps ------------------------------------------------------------------------------


def test_declared_content_length_over_the_cap_is_refused_before_reading(site: Site) -> None:
    # The body is shorter than declared: reading it would end in a broken-connection error,
    # so too_large proves the refusal came from the header alone.
    def short(request: Request) -> Response:
        # A generator body, so werkzeug keeps the declared length instead of computing one.
        return Response(iter([b"x" * 100]), headers={"Content-Length": "20000"})

    site.server.expect_request("/").respond_with_handler(short)
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=10_000, resolver=site.dns)
    assert (caught.value.reason, caught.value.transient) == ("too_large", False)


def test_body_without_length_is_cut_at_the_cap(site: Site) -> None:
    def endless(request: Request) -> Response:
        def body():
            for _ in range(10_000):
                yield b"x" * 1000

        return Response(body(), content_type="text/html")

    site.server.expect_request("/").respond_with_handler(endless)
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=10_000, resolver=site.dns)
    assert caught.value.reason == "too_large"


def test_chunked_body_is_cut_at_the_cap(site: Site) -> None:
    def chunked(request: Request) -> Response:
        def body():
            for _ in range(10_000):
                yield b"3e8\r\n" + b"y" * 1000 + b"\r\n"
            yield b"0\r\n\r\n"

        return Response(body(), content_type="text/html", headers={"Transfer-Encoding": "chunked"})

    site.server.expect_request("/").respond_with_handler(chunked)
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=10_000, resolver=site.dns)
    assert caught.value.reason == "too_large"


def test_chunked_body_within_the_cap_is_read(site: Site) -> None:
    def chunked(request: Request) -> Response:
        def body():
            yield b"5\r\nhello\r\n"
            yield b"6\r\n world\r\n"
            yield b"0\r\n\r\n"

        return Response(body(), content_type="text/plain", headers={"Transfer-Encoding": "chunked"})

    site.server.expect_request("/").respond_with_handler(chunked)
    assert fetch(site.url("/"), max_bytes=11, resolver=site.dns).content == b"hello world"


def test_gzip_bomb_is_capped_while_decoding(site: Site) -> None:
    bomb = gzip.compress(b"\0" * (100 * 1024 * 1024), compresslevel=9)  # ~100 kB on the wire
    site.server.expect_request("/").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as caught:
            fetch(site.url("/"), max_bytes=1024 * 1024, resolver=site.dns)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.reason == "too_large"
    # Decoding it all would take over 100 MB. The client needs about 2 MB (cap + one output
    # buffer); tracemalloc also counts the in-process werkzeug server's 10 MB drain buffer.
    assert peak < 32 * 1024 * 1024


def test_body_exactly_at_the_cap_is_accepted(site: Site) -> None:
    site.server.expect_request("/").respond_with_data(b"z" * 1000)
    assert len(fetch(site.url("/"), max_bytes=1000, resolver=site.dns).content) == 1000


@pytest.mark.parametrize(
    ("encoding", "body"),
    [("br", b"\x1b\x00"), ("gzip, gzip", b""), ("gzip", b"this is not gzip")],
)
def test_undecodable_content_encoding_is_refused(site: Site, encoding: str, body: bytes) -> None:
    site.server.expect_request("/").respond_with_data(
        body, content_type="text/html", headers={"Content-Encoding": encoding}
    )
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=1000, resolver=site.dns)
    assert caught.value.reason == "unsupported_content_type"


# --- content types and statuses -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "accept"),
    [
        ("application/pdf", ACCEPT_HTML),
        ("text/plain", ACCEPT_HTML),
        ("text/html", ("image/",)),
        ("", ACCEPT_HTML),
        ("text/htmlx", ("text/html",)),
    ],
)
def test_unexpected_content_type_is_refused(site: Site, content_type: str, accept) -> None:
    response = Response(b"data")
    del response.headers["Content-Type"]  # werkzeug's default would be text/plain
    if content_type:
        response.headers["Content-Type"] = content_type
    site.server.expect_request("/").respond_with_response(response)
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=100, accept=accept, resolver=site.dns)
    assert (caught.value.reason, caught.value.transient) == ("unsupported_content_type", False)


def test_xhtml_is_accepted_as_a_web_page(site: Site) -> None:
    site.server.expect_request("/").respond_with_data(
        "<html/>", content_type="application/xhtml+xml; charset=utf-8"
    )
    response = fetch(site.url("/"), max_bytes=100, accept=ACCEPT_HTML, resolver=site.dns)
    assert (response.content_type, response.charset) == ("application/xhtml+xml", "utf-8")


@pytest.mark.parametrize(
    ("status", "transient"),
    [(404, False), (410, False), (403, False), (429, True), (500, True), (503, True)],
)
def test_http_errors_carry_status_and_retry_hint(site: Site, status: int, transient: bool) -> None:
    site.server.expect_request("/").respond_with_data("nope", status=status)
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=100, resolver=site.dns)
    assert (caught.value.reason, caught.value.status, caught.value.transient) == (
        "http_error",
        status,
        transient,
    )
    assert str(status) in caught.value.message


# --- deadlines ------------------------------------------------------------------------------

DRIP_STEPS = 60  # 3 s of dripping at most, so a regression fails instead of hanging


def test_slow_drip_body_is_cut_at_the_total_deadline(site: Site, release: threading.Event):
    def drip(request: Request) -> Response:
        def body():
            # Each byte comes well within any per-read timeout; only a total deadline helps.
            for _ in range(DRIP_STEPS):
                if release.wait(0.05):
                    return
                yield b"x"

        return Response(body(), content_type="text/html")

    site.server.expect_request("/").respond_with_handler(drip)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=MAX_HTML_BYTES, timeout=0.5, resolver=site.dns)
    assert (caught.value.reason, caught.value.transient) == ("timeout", True)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("accept", [(), ACCEPT_HTML], ids=["any type", "html only"])
def test_slow_drip_headers_are_cut_at_the_total_deadline(
    site: Site, release: threading.Event, settings, accept
) -> None:
    # Cut mid-headers, the response has no Content-Type yet: that must still read as the
    # deadline (retried), not as "unsupported content type" (never retried).
    # pytest-httpserver always sends whole header blocks, so a raw socket plays the server
    # that dribbles its headers: every line arrives within any per-read timeout.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _addr = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            with contextlib.suppress(OSError):
                for _ in range(DRIP_STEPS):
                    if release.wait(0.05):
                        return
                    conn.sendall(b"X-Drip: 1\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.LINK_FETCH_ALLOWED_PORTS = [port]
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as caught:
            fetch(
                f"http://board.test:{port}/",
                max_bytes=100,
                timeout=0.5,
                accept=accept,
                resolver=site.dns,
            )
    finally:
        release.set()
        listener.close()
        thread.join(timeout=5)
    assert (caught.value.reason, caught.value.transient) == ("timeout", True)
    assert time.monotonic() - started < 1.5


def test_server_that_never_answers_hits_the_deadline(site: Site, release: threading.Event):
    def stall(request: Request) -> Response:
        release.wait(5)
        return Response("too late")

    site.server.expect_request("/").respond_with_handler(stall)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(site.url("/"), max_bytes=100, timeout=0.4, resolver=site.dns)
    assert (caught.value.reason, caught.value.transient) == ("timeout", True)
    assert time.monotonic() - started < 1.5


def test_deadline_spans_redirects(site: Site, release: threading.Event) -> None:
    def slow_redirect(request: Request) -> Response:
        release.wait(0.25)
        return Response("", status=302, headers={"Location": "/slow"})

    site.server.expect_request("/slow").respond_with_handler(slow_redirect)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        # Each hop is faster than the timeout; together they are not.
        fetch(site.url("/slow"), max_bytes=100, timeout=0.6, resolver=site.dns)
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 1.5


# --- TLS ------------------------------------------------------------------------------------


def test_https_connects_to_the_pinned_address_and_verifies_the_name(site: Site, tls_site: TLSSite):
    tls_site.server.expect_request("/").respond_with_data("secure", content_type="text/html")
    response = fetch(f"https://good.test:{tls_site.port}/", max_bytes=100, resolver=site.dns)
    assert response.content == b"secure"
    assert response.url == f"https://good.test:{tls_site.port}/"
    assert tls_site.server_names == ["good.test"]  # SNI carries the name, not the IP
    assert tls_site.server.log[0][0].headers["Host"] == f"good.test:{tls_site.port}"


@pytest.mark.parametrize("host", ["evil.test", "127.0.0.1"])
def test_https_certificate_must_match_the_host(site: Site, tls_site: TLSSite, host: str) -> None:
    # Same IP, same server, but the certificate is for good.test only.
    tls_site.server.expect_request("/").respond_with_data("secure")
    with pytest.raises(FetchError) as caught:
        fetch(f"https://{host}:{tls_site.port}/", max_bytes=100, resolver=site.dns)
    assert (caught.value.reason, caught.value.transient) == ("connect_failed", False)
    assert tls_site.server.log == []


def test_https_refuses_an_untrusted_certificate(site: Site, tls_site: TLSSite, settings) -> None:
    settings.LINK_FETCH_CA_BUNDLE = None  # system trust store: our test CA is not in it
    tls_site.server.expect_request("/").respond_with_data("secure")
    with pytest.raises(FetchError) as caught:
        fetch(f"https://good.test:{tls_site.port}/", max_bytes=100, resolver=site.dns)
    assert (caught.value.reason, caught.value.transient) == ("connect_failed", False)


def test_https_to_http_downgrade_is_followed_without_credentials(site: Site, tls_site: TLSSite):
    tls_site.server.expect_request("/").respond_with_data(
        "", status=301, headers={"Location": f"http://good.test:{site.port}/plain"}
    )
    site.server.expect_request("/plain").respond_with_data("plain")
    response = fetch(
        f"https://good.test:{tls_site.port}/",
        max_bytes=100,
        headers={"Authorization": "token abc"},
        resolver=site.dns,
    )
    assert response.content == b"plain"
    assert tls_site.server.log[0][0].headers["Authorization"] == "token abc"
    assert "Authorization" not in site.requests()[0].headers


def test_slow_drip_over_tls_is_cut_at_the_deadline(
    site: Site, tls_site: TLSSite, release: threading.Event
) -> None:
    def drip(request: Request) -> Response:
        def body():
            for _ in range(DRIP_STEPS):
                if release.wait(0.05):
                    return
                yield b"x"

        return Response(body(), content_type="text/html")

    tls_site.server.expect_request("/").respond_with_handler(drip)
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(
            f"https://good.test:{tls_site.port}/",
            max_bytes=MAX_HTML_BYTES,
            timeout=0.5,
            resolver=site.dns,
        )
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 1.5


# --- the error type and the API contract ----------------------------------------------------


def test_errors_explain_themselves_in_japanese() -> None:
    assert (
        FetchError("blocked_address").message
        == "社内ネットワークなど、取得が許可されていないアドレスです。"
    )
    assert FetchError("timeout").message == "相手のサーバーが時間内に応答しませんでした。"
    assert "404" in FetchError("http_error", status=404).message
    assert all(FetchError(reason).message for reason in safe_http._MESSAGES)


def test_errors_survive_pickling_for_celery() -> None:
    error = FetchError("http_error", status=503, detail="HTTP 503")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.reason, copy.message, copy.transient, copy.status, copy.detail) == (
        "http_error",
        error.message,
        True,
        503,
        "HTTP 503",
    )


def test_unknown_reason_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown fetch error reason"):
        FetchError("oops")


@pytest.mark.parametrize("name", ["Host", "accept-encoding", "Transfer-Encoding"])
def test_client_owned_headers_cannot_be_overridden(name: str, no_network) -> None:
    with pytest.raises(ValueError, match="headers owned by the client"):
        fetch("http://public.test/", max_bytes=100, headers={name: "x"}, resolver=BYPASS_DNS)


def test_only_get_and_head(no_network) -> None:
    with pytest.raises(ValueError, match="POST needs a body"):
        fetch("http://public.test/", max_bytes=100, method="POST", resolver=BYPASS_DNS)
