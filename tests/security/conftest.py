"""Fixtures shared with the links tests: fake DNS and a local site the client may reach."""

from tests.links.conftest import site  # noqa: F401
