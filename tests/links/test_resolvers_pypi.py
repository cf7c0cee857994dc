"""PyPI project cards, from recorded-format JSON API answers served locally."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import FetchError
from apps.links.canonical import canonicalize
from apps.links.resolvers import resolve
from apps.links.resolvers.pypi import fetch_pypi
from tests.links.fixtures import allow_local_server, load


@pytest.fixture
def api(httpserver: HTTPServer, settings) -> HTTPServer:
    settings.PYPI_URL = allow_local_server(settings, httpserver)
    return httpserver


def serve_project(api: HTTPServer) -> None:
    api.expect_request("/pypi/sentence-transformers/json").respond_with_data(
        load("pypi_project.json"), content_type="application/json"
    )


def test_pypi_project(api: HTTPServer) -> None:
    serve_project(api)

    project = fetch_pypi("sentence-transformers")

    assert project.title == "sentence-transformers"
    assert project.description == "State-of-the-Art Text Embeddings"
    assert project.site_name == "PyPI"
    assert project.suggested_kind == "oss"
    assert project.authors == ["Nils Reimers", "Tom Aarsen"]  # names only, no addresses
    assert project.published == "2025-01-29T14:25:51.424931Z"
    assert project.canonical_url == "https://pypi.org/project/sentence-transformers/"
    assert project.extra["version"] == "3.4.1"
    assert project.extra["summary"] == "State-of-the-Art Text Embeddings"
    assert project.extra["homepage"] == "https://www.SBERT.net"
    json.dumps(project.extra)


def test_pypi_names_are_normalised_in_the_request(api: HTTPServer) -> None:
    serve_project(api)
    assert fetch_pypi("Sentence_Transformers").extra["version"] == "3.4.1"


def test_resolve_dispatches_pypi_urls(api: HTTPServer) -> None:
    serve_project(api)
    project = resolve(canonicalize("https://pypi.org/project/sentence-transformers/3.0.0/"))
    assert project.extra["version"] == "3.4.1"  # the card shows the latest release


def test_an_unknown_pypi_project_is_not_found(api: HTTPServer) -> None:
    api.expect_request("/pypi/no-such-project/json").respond_with_json(
        {"message": "Not Found"}, status=404
    )
    with pytest.raises(FetchError) as excinfo:
        fetch_pypi("no-such-project")
    assert excinfo.value.status == 404


def test_not_a_project_name_is_refused_before_any_request(api: HTTPServer) -> None:
    for value in ("", "../admin", "name with spaces", "-leading"):
        with pytest.raises(ValueError, match="not a PyPI project name"):
            fetch_pypi(value)
    assert api.log == []
