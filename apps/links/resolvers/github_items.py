"""GitHub issues, pull requests, discussions, releases and gists: a card of their own.

Through the same REST API client as repositories (``github._get``: token, version header,
rate-limit handling). Discussions have no REST endpoint (GraphQL needs a token), so their
card comes from the discussion page's own tags through the HTML resolver.
"""

from __future__ import annotations

import re

from django.conf import settings

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
    plain_text,
)
from apps.links.resolvers import github
from apps.links.resolvers.html import fetch_page

DEFAULT_WEB_URL = "https://github.com"
_ITEM = re.compile(
    r"(?P<repo>[^/]+/[^/]+)/(?:(?P<type>issues|pull|discussions)/(?P<number>\d+)"
    r"|releases/tag/(?P<tag>.+))"
)
_GIST = re.compile(r"gist/(?P<id>[0-9a-f]{20,40})")
MAX_LABELS = 10


def is_item(key: str) -> bool:
    return bool(_ITEM.fullmatch(key) or _GIST.fullmatch(key))


def fetch_item(key: str, *, timeout: float = 10.0) -> Metadata:
    """The card of one GitHub item, by its canonical key; FetchError as for repositories."""
    gist = _GIST.fullmatch(key)
    if gist:
        return gist_metadata(_api(f"/gists/{gist['id']}", key, timeout))
    match = _ITEM.fullmatch(key)
    if match is None:
        raise ValueError(f"not a GitHub item: {key!r}")
    repo, kind = match["repo"], match["type"]
    if kind == "issues":
        return issue_metadata(_api(f"/repos/{repo}/issues/{match['number']}", key, timeout))
    if kind == "pull":
        return pull_metadata(_api(f"/repos/{repo}/pulls/{match['number']}", key, timeout))
    if kind == "discussions":
        return _discussion(repo, match["number"], timeout)
    return release_metadata(_api(f"/repos/{repo}/releases/tags/{match['tag']}", key, timeout))


def _api(path: str, key: str, timeout: float) -> dict:
    try:
        return github._json(github._get(path, timeout=timeout))
    except FetchError as exc:
        if exc.reason == "http_error" and exc.status in (403, 429):
            raise github._rate_limited(exc, timeout=timeout) from exc
        if exc.reason == "http_error" and exc.status == 404:
            raise github.not_found(key, exc.detail) from exc
        raise


def _repo_of(html_url: str) -> str:
    match = re.match(r"https://github\.com/([^/]+/[^/]+)/", html_url)
    return match.group(1) if match else ""


def _base(item: dict, *, item_type: str, state: str, title_key: str = "title") -> Metadata:
    html_url = http_url(item.get("html_url"))
    user = item.get("user") if isinstance(item.get("user"), dict) else item.get("author")
    user = user if isinstance(user, dict) else {}
    title = api_text(item.get(title_key), TITLE_MAX)
    if not title or not html_url.startswith("https://github.com/"):
        raise FetchError("unsupported_content_type", detail=f"GitHub {item_type} without title")
    repo = _repo_of(html_url)
    base = getattr(settings, "GITHUB_SOCIAL_IMAGE_URL", github.DEFAULT_SOCIAL_IMAGE_URL)
    path = html_url.removeprefix("https://github.com/")
    return Metadata(
        title=title,
        description=plain_text(item.get("body"), DESCRIPTION_MAX),
        site_name="GitHub",
        authors=names(user.get("login")),
        # A release is out when it is published, not when its tag was made.
        published=iso_date(item.get("published_at") or item.get("created_at")),
        updated=iso_date(item.get("updated_at")),
        image_url=http_url(f"{base.rstrip('/')}/1/{path}"),
        favicon_url=github.FAVICON_URL,
        canonical_url=html_url,
        suggested_kind="oss",
        extra={"github_type": item_type, "repo": repo, "state": state},
    )


def issue_metadata(issue: dict) -> Metadata:
    # The issues endpoint answers for pull requests too; the card still says what it is.
    is_pull = isinstance(issue.get("pull_request"), dict)
    state = "closed" if issue.get("state") == "closed" else "open"
    metadata = _base(issue, item_type="pull" if is_pull else "issue", state=state)
    metadata.extra.update(
        number=github._count(issue.get("number")),
        comments=github._count(issue.get("comments")),
        labels=_labels(issue.get("labels")),
    )
    return metadata


def pull_metadata(pull: dict) -> Metadata:
    if pull.get("merged") is True or pull.get("merged_at"):
        state = "merged"
    elif pull.get("state") == "closed":
        state = "closed"
    else:
        state = "draft" if pull.get("draft") is True else "open"
    metadata = _base(pull, item_type="pull", state=state)
    metadata.extra.update(
        number=github._count(pull.get("number")),
        comments=github._count(pull.get("comments")),
        labels=_labels(pull.get("labels")),
    )
    return metadata


def release_metadata(release: dict) -> Metadata:
    state = "prerelease" if release.get("prerelease") is True else "release"
    if not api_text(release.get("name"), TITLE_MAX):
        release = {**release, "name": release.get("tag_name")}
    metadata = _base(release, item_type="release", state=state, title_key="name")
    metadata.extra["tag"] = api_text(release.get("tag_name"), NAME_MAX)
    return metadata


def gist_metadata(gist: dict) -> Metadata:
    files = gist.get("files")
    file_names = (
        [api_text(n, NAME_MAX) for n in list(files)[:10]] if isinstance(files, dict) else []
    )
    owner = gist.get("owner")
    owner = owner if isinstance(owner, dict) else {}
    title = api_text(gist.get("description"), TITLE_MAX) or next(iter(file_names), "")
    html_url = http_url(gist.get("html_url"))
    if not title or not html_url.startswith("https://gist.github.com/"):
        raise FetchError("unsupported_content_type", detail="gist without description or files")
    return Metadata(
        title=title,
        site_name="GitHub Gist",
        authors=names(owner.get("login")),
        published=iso_date(gist.get("created_at")),
        updated=iso_date(gist.get("updated_at")),
        favicon_url=github.FAVICON_URL,
        canonical_url=html_url,
        suggested_kind="oss",
        extra={"github_type": "gist", "files": file_names, "state": ""},
    )


def _discussion(repo: str, number: str, timeout: float) -> Metadata:
    web = getattr(settings, "GITHUB_WEB_URL", DEFAULT_WEB_URL).rstrip("/")
    try:
        page = fetch_page(f"{web}/{repo}/discussions/{number}", timeout=timeout)
    except FetchError as exc:
        if exc.reason == "http_error" and exc.status == 404:
            raise github.not_found(f"{repo}/discussions/{number}", exc.detail) from exc
        raise
    # "Title · owner/repo · Discussion #310": the repository and number are shown apart.
    page.title = page.title.split(" · ")[0]
    page.site_name = "GitHub"
    page.suggested_kind = "oss"
    page.canonical_url = f"https://github.com/{repo}/discussions/{number}"
    page.extra = {"github_type": "discussion", "repo": repo, "state": "", "number": int(number)}
    return page


def _labels(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    labels = (api_text(v.get("name"), 50) for v in value[:MAX_LABELS] if isinstance(v, dict))
    return [label for label in labels if label]
