"""GitHub repository cards, from recorded-format API JSON served locally."""

from __future__ import annotations

import json
import pickle
import time

import pytest
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import FetchError
from apps.links.canonical import canonicalize
from apps.links.resolvers import resolve
from apps.links.resolvers.github import RateLimited, fetch_github
from tests.links.fixtures import allow_local_server, load


@pytest.fixture
def api(httpserver: HTTPServer, settings) -> HTTPServer:
    base = allow_local_server(settings, httpserver)
    settings.GITHUB_API_URL = base
    settings.GITHUB_SOCIAL_IMAGE_URL = base + "/og"
    settings.GITHUB_TOKEN = ""
    return httpserver


def serve_repo(api: HTTPServer) -> None:
    api.expect_request("/repos/karpathy/nanogpt").respond_with_data(
        load("github_repo.json"), content_type="application/json; charset=utf-8"
    )


def test_repository_card(api: HTTPServer) -> None:
    serve_repo(api)

    repo = fetch_github("karpathy/nanogpt")

    assert repo.title == "karpathy/nanoGPT"
    assert repo.description == (
        "The simplest, fastest repository for training/finetuning medium-sized GPTs."
    )
    assert repo.site_name == "GitHub"
    assert repo.suggested_kind == "oss"
    assert repo.authors == ["karpathy"]
    assert repo.canonical_url == "https://github.com/karpathy/nanoGPT"
    assert repo.image_url == f"http://127.0.0.1:{api.port}/og/1/karpathy/nanoGPT"
    assert repo.updated == "2024-12-09T07:53:39Z"
    assert repo.extra == {
        "full_name": "karpathy/nanoGPT",
        "stars": 41234,
        "forks": 6512,
        "language": "Python",
        "topics": ["gpt", "language-model", "pytorch", "transformer"],
        "license": "MIT",
        "pushed_at": "2024-12-09T07:53:39Z",
        "homepage": "",
        "archived": False,
        "owner_avatar_url": "https://avatars.githubusercontent.com/u/241138?v=4",
    }
    json.dumps(repo.extra)


def test_the_api_is_asked_for_its_json_version(api: HTTPServer) -> None:
    serve_repo(api)
    fetch_github("karpathy/nanogpt")
    ((request, _response),) = api.log
    assert request.headers["Accept"] == "application/vnd.github+json"
    assert request.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert "Authorization" not in request.headers


def test_the_token_is_sent_when_configured(api: HTTPServer, settings) -> None:
    settings.GITHUB_TOKEN = "ghp_exampletoken"
    serve_repo(api)
    fetch_github("karpathy/nanogpt")
    ((request, _response),) = api.log
    assert request.headers["Authorization"] == "Bearer ghp_exampletoken"


def test_social_image_defaults_to_github(api: HTTPServer, settings) -> None:
    del settings.GITHUB_SOCIAL_IMAGE_URL
    serve_repo(api)
    image = fetch_github("karpathy/nanogpt").image_url
    assert image == "https://opengraph.githubassets.com/1/karpathy/nanoGPT"


def test_a_missing_repository_is_not_found(api: HTTPServer) -> None:
    api.expect_request("/repos/nobody/nothing").respond_with_json(
        {"message": "Not Found", "status": "404"}, status=404
    )
    with pytest.raises(FetchError) as excinfo:
        fetch_github("nobody/nothing")
    assert (excinfo.value.reason, excinfo.value.status) == ("http_error", 404)
    assert not excinfo.value.transient


@pytest.mark.parametrize("status", [403, 429])
def test_an_exhausted_rate_limit_says_when_to_retry(api: HTTPServer, status: int) -> None:
    reset = int(time.time()) + 600
    api.expect_request("/repos/karpathy/nanogpt").respond_with_data(
        load("github_rate_limited.json"),
        status=status,
        content_type="application/json",
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    limits = json.loads(load("github_rate_limit.json"))
    limits["resources"]["core"]["reset"] = reset
    api.expect_request("/rate_limit").respond_with_json(limits)

    with pytest.raises(RateLimited) as excinfo:
        fetch_github("karpathy/nanogpt")

    error = excinfo.value
    assert isinstance(error, FetchError)
    assert (error.reason, error.status, error.transient) == ("http_error", 429, True)
    assert 590 <= error.retry_after_seconds <= 600
    # Celery carries exceptions between processes.
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.retry_after_seconds, copy.status, copy.transient) == (
        error.retry_after_seconds,
        429,
        True,
    )


def test_a_secondary_rate_limit_waits_a_minute(api: HTTPServer) -> None:
    api.expect_request("/repos/karpathy/nanogpt").respond_with_json(
        {"message": "You have exceeded a secondary rate limit."}, status=403
    )
    limits = json.loads(load("github_rate_limit.json"))
    limits["resources"]["core"]["remaining"] = 42
    api.expect_request("/rate_limit").respond_with_json(limits)

    with pytest.raises(RateLimited) as excinfo:
        fetch_github("karpathy/nanogpt")
    assert excinfo.value.retry_after_seconds == 60


def test_not_an_owner_repo_pair_is_refused_before_any_request(api: HTTPServer) -> None:
    for value in ("karpathy", "../../admin", "a/b/c", "owner/.."):
        with pytest.raises(ValueError, match="not an owner/repo pair"):
            fetch_github(value)
    assert api.log == []


def test_resolve_dispatches_github_urls(api: HTTPServer) -> None:
    serve_repo(api)
    repo = resolve(canonicalize("https://github.com/karpathy/nanoGPT/blob/master/train.py"))
    assert repo.extra["stars"] == 41234


def test_api_descriptions_are_text_not_markup(api: HTTPServer) -> None:
    repo = json.loads(load("github_repo.json"))
    repo["description"] = "A  fast Vec<T>\nfor Rust"
    api.expect_request("/repos/karpathy/nanogpt").respond_with_json(repo)
    # Angle brackets are kept (the template escapes them); only whitespace is tidied.
    assert fetch_github("karpathy/nanogpt").description == "A fast Vec<T> for Rust"
