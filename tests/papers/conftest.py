"""Fixtures shared with the links tests: the fake sites and the network guard."""

from tests.links.conftest import no_network, site  # noqa: F401
