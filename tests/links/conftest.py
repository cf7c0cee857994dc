"""Fixtures for the SSRF-safe client: fake DNS, a local site the client may reach, TLS.

Nothing here talks to the outside world: host names are invented (`*.test`) and answered by
`FakeDNS`; the only real servers are pytest-httpserver instances on 127.0.0.1.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer


class FakeDNS:
    """A resolver for invented names that remembers every lookup."""

    def __init__(self, table: dict[str, str | list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    def __call__(self, host: str) -> list[str]:
        self.calls.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = self.table[host]
        return [answer] if isinstance(answer, str) else list(answer)


LOOPBACK_NETWORKS = ["127.0.0.0/8", "::1/128"]


@dataclass
class Site:
    """The local pytest-httpserver, reachable under invented names through `dns`."""

    server: HTTPServer
    dns: FakeDNS

    @property
    def port(self) -> int:
        return self.server.port

    def url(self, path: str, host: str = "board.test") -> str:
        return f"http://{host}:{self.port}{path}"

    def requests(self) -> list:
        return [request for request, _response in self.server.log]


@pytest.fixture
def site(httpserver: HTTPServer, settings) -> Site:
    # The operator setting that lets tests reach loopback; production leaves it empty.
    settings.LINK_FETCH_ALLOWED_NETWORKS = LOOPBACK_NETWORKS
    settings.LINK_FETCH_ALLOWED_PORTS = [80, 443, httpserver.port]
    dns = FakeDNS(
        {
            "board.test": "127.0.0.1",
            "other.test": "127.0.0.1",
            "internal.test": "10.0.0.5",
        }
    )
    return Site(server=httpserver, dns=dns)


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Lets deliberately slow handlers finish as soon as the test is over."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def no_network(monkeypatch) -> None:
    """Fail the test if anything tries to look a name up or open a connection."""

    def forbidden(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", forbidden)
    monkeypatch.setattr(socket.socket, "connect_ex", forbidden)
    monkeypatch.setattr(socket, "getaddrinfo", forbidden)


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


@pytest.fixture(scope="session")
def certificates(tmp_path_factory) -> Certificates:
    """A throw-away CA and a certificate for `good.test`, made with the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate authority")
    tmp = tmp_path_factory.mktemp("tls")
    ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

    def run(command: str) -> None:
        subprocess.run([openssl, *command.split()], check=True, capture_output=True, cwd=tmp)

    run(
        f"req -x509 {ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=Benkyokai-Test-CA"
        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign"
    )
    run(f"req {ec} -keyout leaf.key -out leaf.csr -subj /CN=good.test")
    (tmp / "leaf.ext").write_text(
        "subjectAltName=DNS:good.test\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n"
    )
    run(
        "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem"
        " -days 2 -extfile leaf.ext"
    )
    return Certificates(ca=tmp / "ca.pem", cert=tmp / "leaf.pem", key=tmp / "leaf.key")


@dataclass
class TLSSite:
    server: HTTPServer
    server_names: list[str | None]  # SNI names the server saw, in order

    @property
    def port(self) -> int:
        return self.server.port


@pytest.fixture(scope="module")
def tls_server(certificates: Certificates) -> Iterator[TLSSite]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.cert, certificates.key)
    server_names: list[str | None] = []
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield TLSSite(server=server, server_names=server_names)
    server.clear()
    server.stop()


@pytest.fixture
def tls_site(tls_server: TLSSite, site: Site, settings, certificates: Certificates) -> TLSSite:
    """The TLS server, trusted through LINK_FETCH_CA_BUNDLE; `site` stays reachable too."""
    tls_server.server.clear()
    tls_server.server_names.clear()
    settings.LINK_FETCH_ALLOWED_PORTS = [80, 443, site.port, tls_server.port]
    settings.LINK_FETCH_CA_BUNDLE = str(certificates.ca)
    site.dns.table.update({"good.test": "127.0.0.1", "evil.test": "127.0.0.1"})
    return tls_server
