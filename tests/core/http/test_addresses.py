"""Which addresses the link fetcher may reach, and how hosts in pasted URLs are read."""

from __future__ import annotations

import ipaddress

import pytest

from apps.core.http.addresses import (
    canonical,
    embedded_ipv4,
    is_permitted,
    is_public,
    parse_host,
    parse_ipv4,
    parse_networks,
)

NOT_PUBLIC = [
    # IPv4
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.1",
    "10.255.255.255",
    "100.64.0.1",  # CGNAT
    "100.127.255.254",
    "127.0.0.1",
    "127.255.255.254",
    "169.254.0.1",
    "169.254.169.254",  # cloud metadata
    "172.16.0.1",
    "172.31.255.255",
    "192.0.0.8",
    "192.0.0.170",
    "192.0.2.1",  # TEST-NET-1
    "192.88.99.1",
    "192.168.0.1",
    "198.18.0.1",  # benchmarking
    "198.19.255.255",
    "198.51.100.7",  # TEST-NET-2
    "203.0.113.9",  # TEST-NET-3
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "240.0.0.1",  # reserved
    "255.255.255.255",  # broadcast
    # IPv6
    "::",
    "::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "::8.8.8.8",  # IPv4-compatible is deprecated whatever it embeds
    "::ffff:0:127.0.0.1",  # SIIT
    "64:ff9b::127.0.0.1",  # NAT64 to loopback
    "64:ff9b::a9fe:a9fe",  # NAT64 to metadata
    "64:ff9b::10.1.2.3",
    "64:ff9b:1::5db8:d822",  # local-use NAT64
    "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
    "2002:a00:5::",  # 6to4 wrapping 10.0.0.5
    "2002:c0a8:101::1",  # 6to4 wrapping 192.168.1.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "2001:2::1",  # benchmarking
    "2001:db8::1",  # documentation
    "3fff::1",  # documentation (RFC 9637)
    "100::1",  # discard-only
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
    "fec0::1",  # site-local
    "ff02::1",  # multicast
    "ff0e::1",
    "5f00::1",  # SRv6
]

PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "133.242.0.1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "2400:cb00::1",
    "::ffff:93.184.216.34",  # IPv4-mapped form of a public address
    "64:ff9b::93.184.216.34",  # DNS64 answer for a public IPv4-only host
    "2002:5db8:d822::1",  # 6to4 wrapping a public address
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_routable_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_globally_routable_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_embedded_ipv4_is_read_from_nat64_and_6to4_only() -> None:
    assert embedded_ipv4(ipaddress.IPv6Address("64:ff9b::7f00:1")) == ipaddress.IPv4Address(
        "127.0.0.1"
    )
    assert embedded_ipv4(ipaddress.IPv6Address("2002:a9fe:a9fe::1")) == ipaddress.IPv4Address(
        "169.254.169.254"
    )
    assert embedded_ipv4(ipaddress.IPv6Address("2606:4700::1")) is None


def test_ipv4_mapped_addresses_are_their_ipv4_address() -> None:
    assert canonical(ipaddress.ip_address("::ffff:7f00:1")) == ipaddress.IPv4Address("127.0.0.1")
    assert canonical(ipaddress.ip_address("::1")) == ipaddress.IPv6Address("::1")


def test_operator_allowed_networks_open_only_themselves() -> None:
    allowed = parse_networks(["127.0.0.0/8", "::1/128"])
    assert is_permitted(ipaddress.ip_address("127.0.0.1"), allowed)
    assert is_permitted(ipaddress.ip_address("127.9.9.9"), allowed)
    assert is_permitted(ipaddress.ip_address("::1"), allowed)
    assert is_permitted(ipaddress.ip_address("::ffff:127.0.0.1"), allowed)
    assert is_permitted(ipaddress.ip_address("93.184.216.34"), allowed)
    assert not is_permitted(ipaddress.ip_address("10.0.0.1"), allowed)
    assert not is_permitted(ipaddress.ip_address("169.254.169.254"), allowed)
    assert not is_permitted(ipaddress.ip_address("fe80::1"), allowed)


def test_nothing_private_is_permitted_by_default() -> None:
    assert not is_permitted(ipaddress.ip_address("127.0.0.1"), parse_networks([]))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # one decimal number
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("0x7f.1", "127.0.0.1"),  # hex, short form
        ("0x7F000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("10.0.0.010", "10.0.0.8"),  # a leading zero means octal
        ("93.184.216.34", "93.184.216.34"),
    ],
)
def test_numeric_hosts_are_read_as_browsers_and_libc_read_them(host: str, expected: str) -> None:
    assert parse_ipv4(host) == ipaddress.IPv4Address(expected)


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.0.0.1", "0x7g.1", "08.0.0.1", "1.2.3.256", "4294967296", "foo.1"]
)
def test_malformed_numeric_hosts_are_refused(host: str) -> None:
    with pytest.raises(ValueError, match="IPv4 address"):
        parse_ipv4(host)


@pytest.mark.parametrize("host", ["example.com", "1e100.net", "xn--bcher-kva.test", "a1.b2.c"])
def test_domain_names_are_not_numeric(host: str) -> None:
    assert parse_ipv4(host) is None


@pytest.mark.parametrize(
    ("host", "expected_host", "expected_ip"),
    [
        ("Example.COM", "example.com", None),
        ("example.com.", "example.com", None),
        ("bücher.test", "xn--bcher-kva.test", None),
        ("日本語.jp", "xn--wgv71a119e.jp", None),
        ("１２７．０．０．１", "127.0.0.1", "127.0.0.1"),  # full-width digits and dots
        ("127。0。0。1", "127.0.0.1", "127.0.0.1"),  # ideographic full stop
        ("ｌｏｃａｌｈｏｓｔ", "localhost", None),
        ("127.0.0.1.", "127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1", "::1"),
        ("[0:0:0:0:0:ffff:127.0.0.1]", "::ffff:7f00:1", "::ffff:7f00:1"),
    ],
)
def test_hosts_are_normalised(host: str, expected_host: str, expected_ip: str | None) -> None:
    name, ip = parse_host(host)
    assert name == expected_host
    assert ip == (ipaddress.ip_address(expected_ip) if expected_ip else None)


@pytest.mark.parametrize(
    "host",
    [
        "",
        ".",
        "example..com",
        "example.com..",
        "%31%32%37.0.0.1",
        "exa%6dple.com",
        "[fe80::1%25eth0]",
        "[fe80::1%eth0]",
        "[127.0.0.1]",
        "[v1.fe80::1]",
        "[::1",
        "exa mple.com",
        "example.com/evil",
        "a" * 64 + ".test",
        "ex*ample.com",
    ],
)
def test_unreadable_hosts_are_refused(host: str) -> None:
    # Each host fails for its own reason, some in ipaddress's words: the refusal is the point.
    with pytest.raises(ValueError):  # noqa: PT011
        parse_host(host)
