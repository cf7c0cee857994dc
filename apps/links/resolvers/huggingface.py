"""Hugging Face models, datasets and Spaces through the Hub's public API.

``GET /api/models/{id}``, ``/api/datasets/{id}``, ``/api/spaces/{id}``: likes, downloads,
license, task, last modified. No token is needed for public repositories; a gated or private
one answers 401/404 and gets a clear "not found".
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
from apps.links.canonical import HUGGINGFACE_HOSTS
from apps.links.metadata import NAME_MAX, TITLE_MAX, Metadata, api_text, http_url, iso_date

DEFAULT_URL = "https://huggingface.co"
THUMBNAILS_URL = "https://cdn-thumbnails.huggingface.co/social-thumbnails"
FAVICON_URL = "https://huggingface.co/favicon.ico"
MAX_JSON_BYTES = 2 * 1024 * 1024  # a model with thousands of files lists them all

# First path segments that are site pages, not a user or organisation.
_RESERVED = frozenset(
    {
        "api",
        "blog",
        "chat",
        "collections",
        "docs",
        "join",
        "learn",
        "login",
        "models",
        "new",
        "organizations",
        "papers",
        "posts",
        "pricing",
        "search",
        "settings",
        "tasks",
    }
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_TYPES = {"datasets": "dataset", "spaces": "space"}
_API = {"model": "models", "dataset": "datasets", "space": "spaces"}
_SITE_NAMES = {"model": "Hugging Face", "dataset": "Hugging Face Datasets", "space": "Spaces"}


def hub_repo(url: str) -> tuple[str, str] | None:
    """("model" | "dataset" | "space", "owner/name") for a Hub page URL, else None."""
    parts = urlsplit(url)
    if parts.hostname not in HUGGINGFACE_HOSTS:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    repo_type = "model"
    if segments and segments[0] in _TYPES:
        repo_type = _TYPES[segments.pop(0)]
    elif segments and segments[0] in _RESERVED:
        return None
    # Models may have no owner ("gpt2"); datasets and Spaces always do.
    if len(segments) >= 2 and _NAME.fullmatch(segments[0]) and _NAME.fullmatch(segments[1]):
        return repo_type, f"{segments[0]}/{segments[1]}"
    if repo_type == "model" and len(segments) == 1 and _NAME.fullmatch(segments[0]):
        return repo_type, segments[0]
    return None


def fetch_hub(repo_type: str, repo_id: str, *, timeout: float = 10.0) -> Metadata:
    base = getattr(settings, "HUGGINGFACE_URL", DEFAULT_URL).rstrip("/")
    try:
        response = safe_http.fetch(
            f"{base}/api/{_API[repo_type]}/{repo_id}",
            max_bytes=MAX_JSON_BYTES,
            accept=("application/json",),
            timeout=timeout,
        )
    except FetchError as exc:
        if exc.reason == "http_error" and exc.status in (401, 403, 404):
            message = _("Hugging Face で %(what)s が見つかりません（非公開か、削除されました）。")
            raise FetchError(
                "http_error", message % {"what": repo_id}, False, exc.status, exc.detail
            ) from exc
        raise
    try:
        data = json.loads(response.content)
    except ValueError as exc:
        raise FetchError("unsupported_content_type", detail=f"bad JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise FetchError("unsupported_content_type", detail="Hub answer is not an object")
    return hub_metadata(repo_type, repo_id, data)


def hub_metadata(repo_type: str, repo_id: str, data: dict[str, Any]) -> Metadata:
    name = api_text(data.get("id"), TITLE_MAX) or repo_id
    card_data = data.get("cardData")
    card: dict[str, Any] = card_data if isinstance(card_data, dict) else {}
    raw_tags = data.get("tags")
    tags = [t for t in raw_tags if isinstance(t, str)][:100] if isinstance(raw_tags, list) else []
    path = {"model": "", "dataset": "datasets/", "space": "spaces/"}[repo_type] + name
    title = name
    if repo_type == "space" and api_text(card.get("title"), TITLE_MAX):
        title = f"{api_text(card.get('title'), TITLE_MAX)} ({name})"
    return Metadata(
        title=title,
        description=api_text(card.get("short_description") or data.get("description"), 1000),
        site_name=_SITE_NAMES[repo_type],
        authors=[api_text(data.get("author"), NAME_MAX)] if data.get("author") else [],
        published=iso_date(data.get("createdAt")),
        updated=iso_date(data.get("lastModified")),
        image_url=http_url(f"{_thumbnails()}/{_API[repo_type]}/{name}.png"),
        favicon_url=FAVICON_URL,
        canonical_url=f"https://huggingface.co/{path}",
        suggested_kind="oss",
        extra={
            "hub_type": repo_type,
            "repo_id": name,
            "likes": _count(data.get("likes")),
            "downloads": _count(data.get("downloads")),
            "license": _license(card, tags),
            "task": _task(repo_type, data, tags),
            "last_modified": iso_date(data.get("lastModified")),
            "sdk": api_text(data.get("sdk"), 40) if repo_type == "space" else "",
            "gated": bool(data.get("gated")),
        },
    )


def _thumbnails() -> str:
    return str(getattr(settings, "HUGGINGFACE_THUMBNAILS_URL", THUMBNAILS_URL)).rstrip("/")


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _license(card: dict[str, Any], tags: list[str]) -> str:
    value = card.get("license")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    if isinstance(value, str) and value.strip():
        return api_text(value, 60)
    return next((api_text(t[8:], 60) for t in tags if t.startswith("license:")), "")


def _task(repo_type: str, data: dict[str, Any], tags: list[str]) -> str:
    if repo_type == "model":
        return api_text(data.get("pipeline_tag"), 60)
    prefix = "task_categories:"
    return next((api_text(t[len(prefix) :], 60) for t in tags if t.startswith(prefix)), "")
