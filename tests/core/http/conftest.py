"""Fixtures shared with the links tests: fake DNS, local sites, TLS."""

from tests.links.conftest import certificates, no_network, release, site, tls_server, tls_site  # noqa: F401
