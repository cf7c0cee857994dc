"""The SSRF corpus (corpora/ssrf.tsv) against the safe client: every URL must be refused
before any connection is made. *Reached* means a connection was attempted."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from apps.core.http.safe_http import MAX_HTML_BYTES, FetchError, fetch
from tests.links.conftest import FakeDNS, Site

CORPUS = Path(__file__).parent / "corpora" / "ssrf.tsv"


def _rows() -> list[tuple[str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        url, _, dns = line.partition("\t")
        rows.append((url.replace("\\n", "\n").replace("\\t", "\t"), dns))
    return rows


ROWS = _rows()
DNS_TABLE = {"public.test": "93.184.216.34"}
for _url, _dns in ROWS:
    if _dns:
        host = _url.split("//", 1)[1].split("/", 1)[0]
        DNS_TABLE[host] = [] if _dns == "-" else _dns.split(",")
for _host in ("nxdomain.test",):
    DNS_TABLE.pop(_host, None)  # really unknown


def test_the_corpus_has_at_least_100_vectors():
    assert len(ROWS) >= 100
    assert len({url for url, _ in ROWS}) == len(ROWS)


@pytest.fixture
def connections(monkeypatch) -> list:
    """Every connection the client attempts; none may happen for this corpus."""
    attempts: list = []

    def record(self, address, *args, **kwargs):
        attempts.append(address)
        raise ConnectionRefusedError("the test allows no connection")

    monkeypatch.setattr(socket.socket, "connect", record)
    monkeypatch.setattr(socket.socket, "connect_ex", record)
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: attempts.append(("getaddrinfo", a)) or []
    )
    return attempts


@pytest.mark.parametrize(("url", "dns"), ROWS, ids=[repr(u)[1:-1][:60] for u, _ in ROWS])
def test_every_vector_is_refused_before_any_connection(url, dns, connections):
    with pytest.raises(FetchError) as caught:
        fetch(url, max_bytes=MAX_HTML_BYTES, resolver=FakeDNS(DNS_TABLE), timeout=2)

    assert connections == [], f"{url!r} reached {connections}"
    assert caught.value.reason in {"invalid_url", "blocked_address", "blocked_port", "dns_failure"}


def test_the_watch_sees_a_connection_when_one_is_made(connections):
    """A public address is connected to: proof that a vector that got through would show."""
    with pytest.raises(FetchError):
        fetch("http://public.test/", max_bytes=100, resolver=FakeDNS(DNS_TABLE), timeout=2)

    assert "93.184.216.34" in repr(connections)


REDIRECT_TARGETS = [
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00::1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://167772161/",
    "http://0xa9fea9fe/",
    "http://internal.test/",
    "http://192.168.0.1:{port}/",
    "http://100.64.0.1/",
    "http://[fe80::1]/",
    "file:///etc/passwd",
    "gopher://10.0.0.1/",
    "http://board.test:6379/",
]


@pytest.mark.parametrize("location", REDIRECT_TARGETS)
def test_a_redirect_to_an_internal_address_is_refused(site: Site, location: str):
    """The first hop is the local test site (allowed by the operator setting the tests use);
    the hop it points to must be vetted again and refused."""
    site.server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": location.format(port=site.port)}
    )

    with pytest.raises(FetchError) as caught:
        fetch(site.url("/go"), max_bytes=100, resolver=site.dns, timeout=2)

    assert caught.value.reason in {"invalid_url", "blocked_address", "blocked_port"}
    assert [r.path for r in site.requests()] == ["/go"]
