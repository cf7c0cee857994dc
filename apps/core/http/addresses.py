"""Which addresses outbound fetches may reach, and how a URL's host is read.

Pure functions, no I/O: the SSRF rules can be tested exhaustively without a network.
"""

from __future__ import annotations

import ipaddress
import re
import string
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(*cidrs: str) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


# Listed explicitly rather than left to `is_global` alone: its tables change between Python
# patch releases, and it calls multicast and the old site-local range "global".
_BLOCKED_V4 = _networks(
    "0.0.0.0/8",  # "this network": connecting to 0.0.0.0 reaches localhost on Linux
    "10.0.0.0/8",
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",
    "169.254.0.0/16",  # link-local, including cloud metadata 169.254.169.254
    "172.16.0.0/12",
    "192.0.0.0/24",  # IETF protocol assignments
    "192.0.2.0/24",  # documentation
    "192.88.99.0/24",  # deprecated 6to4 relay anycast
    "192.168.0.0/16",
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",  # documentation
    "203.0.113.0/24",  # documentation
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, including broadcast 255.255.255.255
)
_BLOCKED_V6 = _networks(
    "::/96",  # unspecified, loopback and deprecated IPv4-compatible ::a.b.c.d
    "::ffff:0:0:0/96",  # SIIT IPv4-translated
    "64:ff9b:1::/48",  # local-use NAT64: translates into the operator's own network
    "100::/64",  # discard-only
    "2001::/23",  # IETF protocol assignments: Teredo, benchmarking, ORCHID, ...
    "2001:db8::/32",  # documentation
    "3fff::/20",  # documentation
    "5f00::/16",  # SRv6 segment identifiers
    "fc00::/7",  # unique local
    "fe80::/10",  # link-local
    "fec0::/10",  # deprecated site-local
    "ff00::/8",  # multicast
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_MAX_HOST_LENGTH = 253


def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Operator allow-list entries, e.g. ``["127.0.0.0/8", "::1/128"]``."""
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def canonical(ip: IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address (``::ffff:a.b.c.d``) *is* its IPv4 address to the kernel."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 host a translating or tunnelling prefix delivers packets to, if any."""
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return ip.sixtofour  # 2002:AABB:CCDD::/48 tunnels to AA.BB.CC.DD


def is_public(ip: IPAddress) -> bool:
    """True when the address is globally routable and so safe to fetch from."""
    ip = canonical(ip)
    if isinstance(ip, ipaddress.IPv4Address):
        return _public_v4(ip)
    inner = embedded_ipv4(ip)
    if inner is not None:
        # NAT64 and 6to4 are exactly as safe as the IPv4 address they carry.
        return _public_v4(inner)
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_reserved
        or ip.is_link_local
        or ip.is_site_local
        or any(ip in net for net in _BLOCKED_V6)
    )


def _public_v4(ip: ipaddress.IPv4Address) -> bool:
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in _BLOCKED_V4)


def is_permitted(ip: IPAddress, allowed: Iterable[IPNetwork]) -> bool:
    """Public, or inside a network the operator explicitly allowed."""
    ip = canonical(ip)
    return any(ip.version == net.version and ip in net for net in allowed) or is_public(ip)


def parse_host(host: str) -> tuple[str, IPAddress | None]:
    """Normalise a URL's host to ``(ascii_host, ip_or_none)``; raise ValueError if unsure.

    IP literals come back as addresses whatever their spelling (``2130706433``, ``0x7f.1``,
    ``0177.0.0.1``, ``127.1``), read the way browsers and ``inet_aton`` read them, so that
    vetting sees the address a connection would really reach.
    """
    if host.startswith("["):
        return _parse_bracketed(host)
    if "%" in host:
        raise ValueError("percent-encoded host")
    if not host.isascii():
        # IDNA 2003 via the codec also maps full-width digits and dots (１２７。０。０。１).
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ValueError("invalid internationalised host") from exc
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]  # one trailing dot is the fully-qualified spelling of the same name
    if not host:
        raise ValueError("empty host")
    ipv4 = parse_ipv4(host)
    if ipv4 is not None:
        return str(ipv4), ipv4
    if len(host) > _MAX_HOST_LENGTH or not all(_LABEL.fullmatch(p) for p in host.split(".")):
        raise ValueError("invalid host name")
    return host, None


def _parse_bracketed(host: str) -> tuple[str, IPAddress]:
    if not host.endswith("]"):
        raise ValueError("unterminated IPv6 literal")
    inner = host[1:-1]
    if "%" in inner:
        # A zone id names a local interface: never something a public link needs.
        raise ValueError("IPv6 zone id")
    ip = ipaddress.IPv6Address(inner)  # ValueError for "[127.0.0.1]" and IPvFuture
    return str(ip), ip


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The WHATWG URL IPv4 parser: None for a domain name, ValueError for a bad number.

    A host whose last label is numeric is an IPv4 address to browsers and libc alike, so
    ``1.2.3.4.5`` or ``0x7g.1`` must be refused rather than looked up in DNS.
    """
    parts = host.split(".")
    last = parts[-1]
    if not (last.isascii() and last.isdigit()) and _ipv4_number(last) is None:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if len(numbers) > 4 or any(n is None for n in numbers):
        raise ValueError("invalid IPv4 address")
    *head, tail = (n for n in numbers if n is not None)
    if any(n > 255 for n in head) or tail >= 256 ** (4 - len(head)):
        raise ValueError("IPv4 address out of range")
    value = tail + sum(n << (8 * (3 - i)) for i, n in enumerate(head))
    return ipaddress.IPv4Address(value)


def _ipv4_number(part: str) -> int | None:
    if part.startswith(("0x", "0X")):
        digits, base, alphabet = part[2:], 16, string.hexdigits
    elif len(part) > 1 and part.startswith("0"):
        digits, base, alphabet = part[1:], 8, string.octdigits
    else:
        digits, base, alphabet = part, 10, string.digits
    if not part or not all(c in alphabet for c in digits):
        return None
    return int(digits, base) if digits else 0
