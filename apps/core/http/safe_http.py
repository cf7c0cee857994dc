"""The one HTTP client for every outbound request of the app (link previews, APIs, images).

URLs come from users, so each request is an SSRF risk. The rules, in order:

* only ``http``/``https`` on allowed ports (80/443 unless ``LINK_FETCH_ALLOWED_PORTS``),
  no credentials, no ambiguous spellings (backslashes, control characters, encoded hosts);
* the host is resolved **once** and refused if *any* answer is not globally routable
  (see ``addresses.is_public``) unless inside ``LINK_FETCH_ALLOWED_NETWORKS``;
* the TCP connection goes to that vetted address (no second lookup, so no DNS rebinding);
  TLS still sends SNI and verifies the certificate against the host name;
* redirects are followed by hand, at most ``MAX_REDIRECTS``, each hop parsed and vetted anew;
  an https→http downgrade is allowed (a user could paste the http URL just as well) but
  caller headers such as ``Authorization`` only ever go to the origin they were meant for;
* one total deadline covers connecting, redirects and the body; bytes are capped on the wire
  and after gzip/deflate decoding;
* ``POST`` (webhooks) sends a small body to the vetted address under the same rules, but
  never follows a redirect: a 3xx is an error, so a body is never replayed to another place
  and the client never retries on its own (a POST may not be idempotent).

Failures raise ``FetchError`` with a stable ``reason`` and a ``transient`` flag for retries.

Settings (all optional): ``LINK_FETCH_ALLOWED_NETWORKS`` (CIDRs, default none),
``LINK_FETCH_ALLOWED_PORTS`` (default 80, 443), ``LINK_FETCH_USER_AGENT``,
``LINK_FETCH_CA_BUNDLE`` (PEM file; default the system trust store).

Known limits: the system resolver's own lookup time is not cut by the deadline (glibc's
resolver timeouts apply); the TLS handshake is bounded by the connect timeout, so it may end
up to that long after the deadline; proxies from the environment are never used.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from urllib3 import BaseHTTPResponse
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.util.ssl_match_hostname import CertificateError

from .addresses import (
    IPAddress,
    IPNetwork,
    canonical,
    is_permitted,
    parse_host,
    parse_networks,
)

# Caps per kind of document the resolvers fetch.
MAX_HTML_BYTES = 2 * 1024 * 1024
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PDF_BYTES = 30 * 1024 * 1024

ACCEPT_HTML = ("text/html", "application/xhtml+xml")
# Raster formats only: SVG is a script-capable document, not a thumbnail.
ACCEPT_IMAGES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif")
ACCEPT_PDF = ("application/pdf",)

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 8.0  # per socket read; the caller's `timeout` bounds the whole fetch
MAX_URL_LENGTH = 4096
MAX_POST_BODY_BYTES = 1024 * 1024  # webhook payloads are a few kB

DEFAULT_ALLOWED_PORTS = (80, 443)
DEFAULT_USER_AGENT = "BenkyokaiBoard/1.0 (+link preview bot)"

Resolver = Callable[[str], Sequence[str]]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_TRANSIENT_STATUSES = frozenset({408, 425, 429})
# The client owns framing and encoding; a caller setting these would break the byte caps.
_RESERVED_HEADERS = frozenset(
    {"host", "accept-encoding", "connection", "content-length", "transfer-encoding", "te"}
)
# Never forwarded to another origin than the first URL's (GitHub token, cookies).
_CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
# Whitespace and controls are silently stripped by urlsplit and browsers alike, and a
# backslash is a "/" to browsers but not to urllib: either way parsers would disagree.
_UNSAFE_URL_CHARS = frozenset(chr(c) for c in range(0x21)) | {"\x7f", "\\"}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~[]"
_QUERY_SAFE = _PATH_SAFE + "?"
_CHUNK = 64 * 1024
_TRANSPORT_ERRORS = (OSError, http.client.HTTPException, HTTPError, CertificateError)

_MESSAGES = {
    "invalid_url": _("URLの形式が正しくないか、対応していない種類のURLです。"),
    "blocked_address": _("社内ネットワークなど、取得が許可されていないアドレスです。"),
    "blocked_port": _("取得が許可されていないポート番号です。"),
    "dns_failure": _("ホスト名が見つかりませんでした。URLを確認してください。"),
    "connect_failed": _("相手のサーバーに接続できませんでした。"),
    "timeout": _("相手のサーバーが時間内に応答しませんでした。"),
    "too_many_redirects": _("リダイレクトが多すぎるため、取得を中止しました。"),
    "too_large": _("データが大きすぎるため、取得を中止しました。"),
    "unsupported_content_type": _("対応していない種類のデータです。"),
    "http_error": _("相手のサーバーがエラーを返しました（HTTP %(status)s）。"),
}
_TRANSIENT_REASONS = frozenset({"connect_failed", "timeout"})


class FetchError(Exception):
    """A fetch that did not produce a usable response.

    ``reason`` is a stable code (keys of ``_MESSAGES``), ``message`` the Japanese text shown
    to members, ``transient`` whether a later retry may succeed, ``status`` the HTTP status
    for ``http_error``, ``detail`` an English note for logs. ``request_sent`` says the whole
    request had gone out before the failure: without a ``status`` the server may have acted
    on it (a webhook that posted its message and answered too late).
    """

    def __init__(
        self,
        reason: str,
        message: str | None = None,
        transient: bool | None = None,
        status: int | None = None,
        detail: str = "",
        request_sent: bool = False,
    ) -> None:
        if reason not in _MESSAGES:
            raise ValueError(f"unknown fetch error reason {reason!r}")
        if transient is None:
            transient = _is_transient(reason, status)
        if message is None:
            message = str(_MESSAGES[reason]) % {"status": status}
        # Positional args in constructor order keep the error picklable for Celery.
        super().__init__(reason, message, transient, status, detail, request_sent)
        self.reason = reason
        self.message = message
        self.transient = transient
        self.status = status
        self.detail = detail
        self.request_sent = request_sent

    def mark_request_sent(self) -> None:
        self.request_sent = True
        self.args = (*self.args[:5], True)  # pickled errors keep it

    @property
    def outcome_unknown(self) -> bool:
        """The request reached the server but no answer came back: it may have been done."""
        return self.request_sent and self.status is None

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail or self.message}"


def _is_transient(reason: str, status: int | None) -> bool:
    if reason == "http_error":
        return status is not None and (status in _TRANSIENT_STATUSES or status >= 500)
    return reason in _TRANSIENT_REASONS


@dataclass(frozen=True)
class FetchResponse:
    url: str  # the final URL, after redirects
    status: int
    headers: dict[str, str]  # lower-cased names
    content: bytes = field(repr=False)  # decoded (gzip/deflate undone)
    content_type: str  # media type only, lower-cased: "text/html"
    charset: str | None


def system_resolver(host: str) -> list[str]:
    """The default resolver: one getaddrinfo, whose answers are the only ones connected to."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def fetch(
    url: str,
    *,
    max_bytes: int,
    accept: tuple[str, ...] = (),
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
    resolver: Resolver | None = None,
    method: str = "GET",
    body: bytes | None = None,
) -> FetchResponse:
    """Fetch ``url`` under the SSRF rules above; raise ``FetchError`` on any refusal.

    ``accept`` lists media types (``"text/html"``) or prefixes ending in ``/`` (``"image/"``);
    empty accepts anything. ``timeout`` is the total for the whole fetch, redirects included.
    ``method="POST"`` needs ``body`` (bytes, ``b""`` for none; its Content-Type comes from
    ``headers``) and treats any 3xx answer as an error instead of following it.
    """
    if method not in ("GET", "HEAD", "POST"):
        raise ValueError("only GET, HEAD and POST are supported")
    if (body is not None) != (method == "POST"):
        # A POST without a payload is a caller's slip (a webhook always sends one).
        raise ValueError("POST needs a body (b'' for an empty one); GET and HEAD take none")
    if body is not None:
        if not isinstance(body, bytes):
            raise TypeError("body is bytes: encode it first")
        if len(body) > MAX_POST_BODY_BYTES:
            raise ValueError(f"body larger than {MAX_POST_BODY_BYTES} bytes")
    if isinstance(accept, str):
        raise TypeError("accept is a tuple of media types, e.g. ('text/html',)")
    fetch_ = _Fetch(
        policy=_Policy.from_settings(),
        deadline=_Deadline(timeout),
        resolver=_OnceResolver(resolver or system_resolver),
        method=method,
        accept=accept,
        max_bytes=max_bytes,
        body=body,
    )
    extra = _caller_headers(headers or {})
    first = target = _parse_url(url, fetch_.policy)
    for hop in range(MAX_REDIRECTS + 1):
        addresses = _vetted_addresses(target, fetch_)
        # Credentials are for the origin the caller named, never for where it redirects.
        hop_extra = extra if target.origin == first.origin else _without_credentials(extra)
        outcome = _exchange(target, addresses, _request_headers(target, hop_extra, fetch_), fetch_)
        if isinstance(outcome, FetchResponse):
            return outcome
        if hop == MAX_REDIRECTS:
            break
        target = _parse_url(urljoin(target.url, outcome), fetch_.policy)
    raise FetchError("too_many_redirects", detail=f"more than {MAX_REDIRECTS} redirects")


# --- configuration and per-fetch state ----------------------------------------------------


@dataclass(frozen=True)
class _Policy:
    allowed_networks: tuple[IPNetwork, ...]
    allowed_ports: frozenset[int]
    user_agent: str
    ca_bundle: str | None  # None: the system trust store

    @classmethod
    def from_settings(cls) -> _Policy:
        return cls(
            allowed_networks=parse_networks(getattr(settings, "LINK_FETCH_ALLOWED_NETWORKS", [])),
            allowed_ports=frozenset(
                int(port)  # env-derived settings may hand us strings
                for port in getattr(settings, "LINK_FETCH_ALLOWED_PORTS", DEFAULT_ALLOWED_PORTS)
            ),
            user_agent=getattr(settings, "LINK_FETCH_USER_AGENT", DEFAULT_USER_AGENT),
            ca_bundle=getattr(settings, "LINK_FETCH_CA_BUNDLE", None),
        )


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def clip(self, seconds: float) -> float:
        """A per-operation timeout that cannot outlive the total deadline."""
        remaining = self.remaining()
        if remaining <= 0:
            raise FetchError("timeout", detail="total deadline passed")
        return min(seconds, remaining)


class _OnceResolver:
    """Each host is looked up once per fetch, so a redirect back cannot see a rebound answer."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._answers: dict[str, list[IPAddress]] = {}

    def __call__(self, host: str) -> list[IPAddress]:
        if host not in self._answers:
            self._answers[host] = _resolve(host, self._resolver)
        return self._answers[host]


@dataclass(frozen=True)
class _Fetch:
    policy: _Policy
    deadline: _Deadline
    resolver: _OnceResolver
    method: str
    accept: tuple[str, ...]
    max_bytes: int
    body: bytes | None = field(default=None, repr=False)


# --- URL parsing and address vetting ------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII, lower-case, no trailing dot; IPv6 without brackets
    ip: IPAddress | None  # set when the URL names an address instead of a host name
    port: int
    path: str  # request target: percent-encoded path and query

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}{self.path}"

    @property
    def origin(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


def _invalid(detail: str) -> FetchError:
    return FetchError("invalid_url", detail=detail)


def _parse_url(url: str, policy: _Policy) -> _Target:
    if len(url) > MAX_URL_LENGTH or any(c in _UNSAFE_URL_CHARS for c in url):
        raise _invalid("URL too long or containing whitespace, controls or backslashes")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise _invalid(str(exc)) from exc
    if parts.scheme not in _DEFAULT_PORTS:
        raise _invalid(f"scheme {parts.scheme!r} is not http or https")
    if not parts.netloc:
        raise _invalid("no host")
    if "@" in parts.netloc:
        raise _invalid("credentials in URL")
    raw_host, raw_port = _split_netloc(parts.netloc)
    try:
        host, ip = parse_host(raw_host)
    except ValueError as exc:
        raise _invalid(f"host {raw_host!r}: {exc}") from exc
    port = _parse_port(raw_port) if raw_port is not None else _DEFAULT_PORTS[parts.scheme]
    if port not in policy.allowed_ports:
        raise FetchError("blocked_port", detail=f"port {port} is not allowed")
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_QUERY_SAFE)
    return _Target(scheme=parts.scheme, host=host, ip=ip, port=port, path=path)


def _split_netloc(netloc: str) -> tuple[str, str | None]:
    if netloc.startswith("["):
        end = netloc.find("]") + 1
        if end == 0 or (netloc[end:] and not netloc.startswith(":", end)):
            raise _invalid("malformed IPv6 literal")
        host, rest = netloc[:end], netloc[end:]
        return host, rest[1:] if rest else None
    host, colon, port = netloc.partition(":")
    return host, port if colon else None


def _parse_port(raw: str) -> int:
    # Own check: int() would accept "+80", " 80" and non-ASCII digits.
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 65536:
        raise _invalid(f"port {raw!r}")
    return int(raw)


def _resolve(host: str, resolver: Resolver) -> list[IPAddress]:
    try:
        answers = list(resolver(host))
    except (OSError, UnicodeError) as exc:
        retry = isinstance(exc, socket.gaierror) and exc.errno == socket.EAI_AGAIN
        raise FetchError("dns_failure", transient=retry, detail=f"{host}: {exc}") from exc
    if not answers:
        raise FetchError("dns_failure", detail=f"{host}: no addresses")
    try:
        return [ipaddress.ip_address(answer) for answer in answers]
    except ValueError as exc:
        # An answer we cannot read is an answer we cannot vet.
        raise FetchError("blocked_address", detail=f"{host}: {exc}") from exc


def _vetted_addresses(target: _Target, fetch_: _Fetch) -> list[IPAddress]:
    addresses = [target.ip] if target.ip is not None else fetch_.resolver(target.host)
    for ip in addresses:
        # One bad answer refuses the host: an attacker's DNS may list a public decoy first.
        if not is_permitted(ip, fetch_.policy.allowed_networks):
            raise FetchError("blocked_address", detail=f"{target.host}: {ip} is not public")
    return list(dict.fromkeys(canonical(ip) for ip in addresses))


# --- one request/response exchange --------------------------------------------------------


def _caller_headers(headers: Mapping[str, str]) -> dict[str, str]:
    reserved = {name for name in headers if name.lower() in _RESERVED_HEADERS}
    if reserved:
        raise ValueError(f"headers owned by the client: {sorted(reserved)}")
    return dict(headers)


def _without_credentials(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in _CREDENTIAL_HEADERS}


def _request_headers(target: _Target, extra: dict[str, str], fetch_: _Fetch) -> dict[str, str]:
    accept = ", ".join(t + "*" if t.endswith("/") else t for t in fetch_.accept) or "*/*"
    defaults = {"User-Agent": fetch_.policy.user_agent, "Accept": accept}
    overridden = {name.lower() for name in extra}
    headers = {k: v for k, v in defaults.items() if k.lower() not in overridden}
    # Host is explicit because the connection itself only knows the IP address.
    # Only gzip is asked for: it is what we can decode under a cap without extra libraries.
    return {**headers, **extra, "Host": target.netloc, "Accept-Encoding": "gzip"}


def _exchange(
    target: _Target, addresses: list[IPAddress], headers: dict[str, str], fetch_: _Fetch
) -> FetchResponse | str:
    """One request; returns the final response, or the Location of a redirect to follow."""
    conn = _connect(target, addresses, fetch_)
    response: BaseHTTPResponse | None = None
    sent = False
    try:
        conn.timeout = fetch_.deadline.clip(READ_TIMEOUT)
        with _deadline_guard(conn, fetch_.deadline):
            conn.request(
                fetch_.method,
                target.path,
                body=fetch_.body,
                headers=headers,
                preload_content=False,
                decode_content=False,
            )
            sent = True
            response = conn.getresponse()
            if fetch_.method == "POST" and 300 <= response.status < 400:
                # Following would send the body somewhere the caller never named.
                raise FetchError(
                    "http_error",
                    status=response.status,
                    transient=False,
                    detail=f"HTTP {response.status}: redirects are not followed for POST",
                )
            location = _redirect_location(response)
            if location is not None:
                return location
            _check_status(response.status)
            media_type, charset = _check_content_type(response, fetch_.accept)
            content = b"" if fetch_.method == "HEAD" else _read_body(response, fetch_.max_bytes)
            return FetchResponse(
                url=target.url,
                status=response.status,
                headers={name.lower(): response.headers[name] for name in response.headers},
                content=content,
                content_type=media_type,
                charset=charset,
            )
    except FetchError as error:
        if sent:
            error.mark_request_sent()
        raise
    finally:
        # The response holds its own reference to the socket: close both, or an abandoned
        # body keeps the connection (and the server) waiting until garbage collection.
        if response is not None:
            response.close()
        conn.close()


def _connect(target: _Target, addresses: list[IPAddress], fetch_: _Fetch) -> HTTPConnection:
    """Connect to the first reachable vetted address (IPv6 may be unroutable here)."""
    failure = FetchError("connect_failed", detail="no address")
    for ip in addresses:
        conn = _new_connection(target, ip, fetch_)
        try:
            conn.connect()
        except _TRANSPORT_ERRORS as exc:
            conn.close()
            failure = _transport_error(exc)
            failure.__cause__ = exc
            if fetch_.deadline.expired() or not failure.transient:
                break
        else:
            return conn
    raise failure


def _new_connection(target: _Target, ip: IPAddress, fetch_: _Fetch) -> HTTPConnection:
    timeout = fetch_.deadline.clip(CONNECT_TIMEOUT)
    if target.scheme == "http":
        return HTTPConnection(str(ip), target.port, timeout=timeout)
    # Connect to the pinned IP but speak TLS to the name: SNI and certificate checks use
    # the host, so pinning costs no verification.
    return HTTPSConnection(
        str(ip),
        target.port,
        timeout=timeout,
        server_hostname=target.host,
        assert_hostname=target.host,
        cert_reqs=ssl.CERT_REQUIRED,
        ca_certs=fetch_.policy.ca_bundle,
    )


class _Watchdog:
    """Shuts a socket down when the total deadline passes.

    Socket timeouts bound each recv() only: a server dripping one byte at a time (status
    line, headers or body) would otherwise hold a worker for as long as it likes.
    """

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self.fired = False
        self._sock = sock
        self._lock = threading.Lock()
        self._stopped = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:  # never touch a socket the fetch has finished with
            if self._stopped:
                return
            self.fired = True
            # The plain-socket method: SSLSocket.shutdown would drop its TLS state under
            # the reading thread's feet. OSError: the peer may have closed it already.
            with suppress(OSError):
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
        self._timer.cancel()


@contextmanager
def _deadline_guard(conn: HTTPConnection, deadline: _Deadline) -> Iterator[None]:
    watchdog = _Watchdog(conn.sock, deadline.remaining())
    try:
        yield
    except _TRANSPORT_ERRORS as exc:
        raise _transport_error(exc, timed_out=watchdog.fired or deadline.expired()) from exc
    except FetchError as exc:
        if watchdog.fired and exc.reason != "timeout":
            # A cut mid-headers reads as a complete, shorter header block: no Content-Type
            # ("unsupported content type", never retried) or no Location. It was the deadline.
            raise FetchError(
                "timeout", detail=f"total deadline passed in the headers ({exc.detail})"
            ) from exc
        raise
    finally:
        watchdog.stop()
    if watchdog.fired:
        # A cut connection can look like a complete body (read until close).
        raise FetchError("timeout", detail="total deadline passed while reading")


def _transport_error(exc: BaseException, *, timed_out: bool = False) -> FetchError:
    timeout_types = (TimeoutError, ConnectTimeoutError, ReadTimeoutError)
    if timed_out or (isinstance(exc, timeout_types) and not isinstance(exc, NewConnectionError)):
        return FetchError("timeout", detail=str(exc))
    if isinstance(exc, ssl.SSLCertVerificationError | CertificateError):
        return FetchError("connect_failed", transient=False, detail=f"certificate: {exc}")
    return FetchError("connect_failed", detail=str(exc))


def _redirect_location(response: BaseHTTPResponse) -> str | None:
    location = response.headers.get("location")
    if response.status not in _REDIRECT_STATUSES or not location:
        return None
    # http.client decodes header bytes as Latin-1; servers mostly send raw UTF-8 there.
    try:
        return location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return location


def _check_status(status: int) -> None:
    if not 200 <= status < 300:
        raise FetchError("http_error", status=status, detail=f"HTTP {status}")


def _check_content_type(
    response: BaseHTTPResponse, accept: tuple[str, ...]
) -> tuple[str, str | None]:
    media_type, charset = _parse_content_type(response.headers.get("content-type", ""))
    if accept and not any(
        media_type.startswith(a) if a.endswith("/") else media_type == a for a in accept
    ):
        raise FetchError("unsupported_content_type", detail=f"got {media_type!r}")
    return media_type, charset


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media_type, _sep, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _eq, raw = param.partition("=")
        if name.strip().lower() == "charset":
            charset = raw.strip().strip('"').strip().lower() or None
    return media_type.strip().lower(), charset


def _read_body(response: BaseHTTPResponse, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", detail=f"Content-Length {declared} > {max_bytes}")
    decoder = _Decoder(response.headers.get("content-encoding", ""), max_bytes)
    received = 0
    # read1: one recv at a time, so the caps apply as the bytes arrive.
    while chunk := response.read1(_CHUNK, decode_content=False):
        received += len(chunk)
        if received > max_bytes:
            raise FetchError("too_large", detail=f"more than {max_bytes} bytes received")
        decoder.feed(chunk)
    return decoder.finish()


class _Decoder:
    """Undoes Content-Encoding while counting output, so a small gzip cannot expand past the cap."""

    def __init__(self, encoding: str, max_bytes: int) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)  # RFC 9110 deflate: zlib-wrapped
        else:
            raise FetchError("unsupported_content_type", detail=f"Content-Encoding {encoding!r}")
        self._max_bytes = max_bytes
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, data: bytes) -> None:
        if self._zlib is None:
            self._add(data)
            return
        try:
            while data:
                # Ask for one byte more than still fits: getting it proves the body too large.
                self._add(self._zlib.decompress(data, self._max_bytes - self._size + 1))
                data = self._zlib.unconsumed_tail
        except zlib.error as exc:
            raise FetchError("unsupported_content_type", detail=f"corrupt body: {exc}") from exc

    def finish(self) -> bytes:
        if self._zlib is not None:
            self._add(self._zlib.flush())
        return b"".join(self._parts)

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._max_bytes:
            raise FetchError("too_large", detail=f"more than {self._max_bytes} bytes decoded")
        self._parts.append(data)
