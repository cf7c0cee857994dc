"""PyPI projects through the JSON API (``GET /pypi/{name}/json``)."""

from __future__ import annotations

import json
import re
from email.utils import getaddresses
from typing import Any

from django.conf import settings

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
from apps.links.canonical import pypi_normalize
from apps.links.metadata import (
    DESCRIPTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    Metadata,
    api_text,
    http_url,
    iso_date,
    names,
)

DEFAULT_PYPI_URL = "https://pypi.org"
# The project document lists every release's files: a few MB for the busiest projects.
MAX_JSON_BYTES = 16 * 1024 * 1024

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
# project_urls labels that point at the project's own site, best first.
_HOMEPAGE_LABELS = (
    "homepage",
    "home",
    "documentation",
    "docs",
    "source",
    "source code",
    "repository",
    "code",
)


def fetch_pypi(name: str, *, timeout: float = 10.0) -> Metadata:
    """Latest release's summary and version; FetchError(http_error, 404) for no such project."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a PyPI project name: {name!r}")
    base = getattr(settings, "PYPI_URL", DEFAULT_PYPI_URL).rstrip("/")
    response = safe_http.fetch(
        f"{base}/pypi/{pypi_normalize(name)}/json",
        max_bytes=MAX_JSON_BYTES,
        accept=("application/json",),
        timeout=timeout,
    )
    try:
        data = json.loads(response.content)
        info = data["info"]
    except (ValueError, KeyError, TypeError) as exc:
        raise FetchError("unsupported_content_type", detail=f"bad PyPI JSON: {exc}") from exc
    if not isinstance(info, dict):
        raise FetchError("unsupported_content_type", detail="PyPI JSON without info")
    return project_metadata(info, data.get("urls"))


def project_metadata(info: dict[str, Any], files: object) -> Metadata:
    title = api_text(info.get("name"), TITLE_MAX)
    summary = api_text(info.get("summary"), DESCRIPTION_MAX)
    version = api_text(info.get("version"), NAME_MAX)
    normalized = pypi_normalize(title) if title else ""
    return Metadata(
        title=title,
        description=summary,
        site_name="PyPI",
        authors=_authors(info),
        published=_upload_time(files),
        canonical_url=f"https://pypi.org/project/{normalized}/" if normalized else "",
        suggested_kind="oss",
        extra={
            "version": version,
            "summary": summary,
            "homepage": _homepage(info),
            "requires_python": api_text(info.get("requires_python"), NAME_MAX),
        },
    )


def _authors(info: dict[str, Any]) -> list[str]:
    if api_text(info.get("author"), NAME_MAX):
        return names(info.get("author"))
    # Newer metadata often has only "Name <mail@example.org>" in author_email; keep the names.
    emails = info.get("author_email")
    if not isinstance(emails, str):
        return []
    return names([name for name, _addr in getaddresses([emails]) if name])


def _homepage(info: dict[str, Any]) -> str:
    urls = info.get("project_urls")
    if isinstance(urls, dict):
        by_label = {str(k).strip().lower(): v for k, v in urls.items()}
        for label in _HOMEPAGE_LABELS:
            url = http_url(by_label.get(label))
            if url:
                return url
    return http_url(info.get("home_page"))


def _upload_time(files: object) -> str:
    # The JSON API has no release date of its own: the latest release's first upload is it.
    if not isinstance(files, list):
        return ""
    times = sorted(iso_date(f.get("upload_time_iso_8601")) for f in files if isinstance(f, dict))
    return next((t for t in times if t), "")
