"""GitHub repositories through the REST API (``GET /repos/{owner}/{repo}``)."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
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

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SOCIAL_IMAGE_URL = "https://opengraph.githubassets.com"
FAVICON_URL = "https://github.com/favicon.ico"
MAX_JSON_BYTES = 1024 * 1024  # a repository document is ~6 KB
API_VERSION = "2022-11-28"
# GitHub asks clients hit by a secondary rate limit without a reset time to wait a minute.
SECONDARY_LIMIT_WAIT = 60

_OWNER_REPO = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")


class RateLimited(FetchError):
    """GitHub refused for rate limiting; retry after ``retry_after_seconds``.

    The message names the limit and the time it lifts (Asia/Tokyo), which is what a member
    reads on the card if the retries run out before it does.
    """

    def __init__(self, retry_after_seconds: int, detail: str = "") -> None:
        resets = timezone.localtime(timezone.now() + dt.timedelta(seconds=retry_after_seconds))
        message = _("GitHubの利用制限に達しました。%(time)s 以降に再取得できます。") % {
            "time": resets.strftime("%Y-%m-%d %H:%M")
        }
        super().__init__("http_error", message, True, 429, detail)
        self.retry_after_seconds = retry_after_seconds

    def __reduce__(self):
        # Celery pickles exceptions; the base class's args do not fit this constructor.
        return (type(self), (self.retry_after_seconds, self.detail))


def fetch_github(owner_repo: str, *, timeout: float = 10.0) -> Metadata:
    """Repository card data; FetchError(http_error, 404) when it does not exist,
    RateLimited when the API rate limit is used up."""
    if not _OWNER_REPO.fullmatch(owner_repo) or owner_repo.endswith(("/.", "/..")):
        raise ValueError(f"not an owner/repo pair: {owner_repo!r}")
    try:
        response = _get(f"/repos/{owner_repo}", timeout=timeout)
    except FetchError as exc:
        if exc.reason == "http_error" and exc.status in (403, 429):
            raise _rate_limited(exc, timeout=timeout) from exc
        if exc.reason == "http_error" and exc.status == 404:
            raise not_found(owner_repo, exc.detail) from exc
        raise
    return repo_metadata(_json(response))


def not_found(what: str, detail: str = "") -> FetchError:
    """GitHub answers 404 for a private repository too: say both."""
    message = _("GitHubで %(what)s が見つかりません（削除されたか、非公開です）。") % {"what": what}
    return FetchError("http_error", message, False, 404, detail)


def repo_metadata(repo: dict[str, Any]) -> Metadata:
    full_name = api_text(repo.get("full_name"), TITLE_MAX)
    if not full_name:
        raise FetchError("unsupported_content_type", detail="GitHub answer has no full_name")
    owner = repo["owner"] if isinstance(repo.get("owner"), dict) else {}
    base = getattr(settings, "GITHUB_SOCIAL_IMAGE_URL", DEFAULT_SOCIAL_IMAGE_URL).rstrip("/")
    pushed_at = iso_date(repo.get("pushed_at"))
    return Metadata(
        title=full_name,
        description=api_text(repo.get("description"), DESCRIPTION_MAX),
        site_name="GitHub",
        authors=names(owner.get("login")),
        published=iso_date(repo.get("created_at")),
        updated=pushed_at,
        # GitHub's social card; the leading "1" is a cache key GitHub ignores otherwise.
        image_url=http_url(f"{base}/1/{full_name}"),
        favicon_url=FAVICON_URL,
        canonical_url=http_url(repo.get("html_url")) or f"https://github.com/{full_name}",
        suggested_kind="oss",
        extra={
            "full_name": full_name,
            "stars": _count(repo.get("stargazers_count")),
            "forks": _count(repo.get("forks_count")),
            "language": api_text(repo.get("language"), NAME_MAX),
            "topics": _topics(repo.get("topics")),
            "license": _license(repo.get("license")),
            "pushed_at": pushed_at,
            "homepage": http_url(repo.get("homepage")),
            "archived": repo.get("archived") is True,
            "owner_avatar_url": http_url(owner.get("avatar_url")),
        },
    )


def _get(path: str, *, timeout: float) -> safe_http.FetchResponse:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
    token = getattr(settings, "GITHUB_TOKEN", "")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    base = getattr(settings, "GITHUB_API_URL", DEFAULT_API_URL).rstrip("/")
    return safe_http.fetch(
        base + path,
        max_bytes=MAX_JSON_BYTES,
        accept=("application/json",),
        headers=headers,
        timeout=timeout,
    )


def _rate_limited(exc: FetchError, *, timeout: float) -> RateLimited:
    """Ask /rate_limit (free of charge) when the reset time is; safe_http does not hand us
    the headers of a refused response."""
    try:
        core = _json(_get("/rate_limit", timeout=min(timeout, 5.0)))["resources"]["core"]
        remaining, reset = int(core["remaining"]), int(core["reset"])
    except (FetchError, KeyError, TypeError, ValueError):
        return RateLimited(SECONDARY_LIMIT_WAIT, detail=f"{exc.detail}; rate limit unknown")
    if remaining > 0:
        # The core quota is fine, so this was a secondary (abuse) limit.
        return RateLimited(SECONDARY_LIMIT_WAIT, detail=f"{exc.detail}; secondary rate limit")
    wait = max(1, reset - int(time.time()))
    return RateLimited(wait, detail=f"{exc.detail}; rate limit resets in {wait}s")


def _json(response: safe_http.FetchResponse) -> dict[str, Any]:
    try:
        data = json.loads(response.content)
    except ValueError as exc:
        raise FetchError("unsupported_content_type", detail=f"bad JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise FetchError("unsupported_content_type", detail="JSON is not an object")
    return data


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _topics(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [t for t in (api_text(v, 50) for v in value[:30]) if t]


def _license(value: object) -> str:
    if not isinstance(value, dict):
        return ""
    spdx = api_text(value.get("spdx_id"), NAME_MAX)
    # "NOASSERTION": GitHub found a licence file it could not identify.
    return spdx if spdx and spdx != "NOASSERTION" else api_text(value.get("name"), NAME_MAX)
