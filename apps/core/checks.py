"""System checks for a production deploy."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

# Keys that were ever written down where anyone can read them: in this repository's compose
# file, as the embedded default, or in the image build. A deploy using one has no secret.
KNOWN_PUBLIC_KEYS = frozenset(
    {
        "change-me-demo-only-7kQ2vX9pLm4RtB8wZs1NcY6hJd3FgA5eUo0iKy",
        "embedded-default-not-secret-0b6f1d7c9a8e4b2f",
        "collectstatic-build-only",
    }
)
PUBLIC_KEY_PREFIXES = ("change-me", "changeme", "django-insecure-")


@register(Tags.security)
def check_secret_key_is_not_public(app_configs: Any, **kwargs: Any) -> list[Error]:
    """In production mode (SECRET_KEY set) the key must not be one the world knows."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    key = str(settings.SECRET_KEY)
    if key in KNOWN_PUBLIC_KEYS or key.lower().startswith(PUBLIC_KEY_PREFIXES):
        return [
            Error(
                "SECRET_KEY is a publicly known demo key: sessions, CSRF tokens and password "
                "reset links could be forged.",
                hint="Set your own, e.g. SECRET_KEY=$(python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(50))').",
                id="board.E001",
            )
        ]
    return []
