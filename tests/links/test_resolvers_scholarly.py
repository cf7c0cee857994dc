"""OpenReview, ACL Anthology and DOIs: recorded-format API answers served locally."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import FetchError
from apps.links import tasks
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.links.resolvers import resolve
from apps.links.resolvers.scholarly import parse_bibtex, scholarly_source
from apps.papers.models import PaperLink
from tests import factories
from tests.links.fixtures import allow_local_server, load

JSON = "application/json; charset=utf-8"


@pytest.fixture
def local(httpserver: HTTPServer, settings) -> str:
    base = allow_local_server(settings, httpserver)
    settings.OPENREVIEW_API_URL = f"{base}/v2"
    settings.OPENREVIEW_API_V1_URL = f"{base}/v1"
    settings.ACL_ANTHOLOGY_URL = f"{base}/acl"
    settings.DOI_RESOLVER_URL = f"{base}/doi"
    return base


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://openreview.net/forum?id=ylZ4V0QQVQ&noteId=Kq1vz0c0Qq", ("openreview", "ylZ4V0QQVQ")),  # noqa: E501
        ("https://openreview.net/pdf?id=ylZ4V0QQVQ", ("openreview", "ylZ4V0QQVQ")),
        ("https://openreview.net/group?id=ICLR.cc/2024/Conference", None),
        ("https://aclanthology.org/2023.acl-long.1/", ("acl", "2023.acl-long.1")),
        ("https://aclanthology.org/2023.acl-long.1v2.pdf", ("acl", "2023.acl-long.1")),
        ("https://aclanthology.org/P19-1001.pdf", ("acl", "P19-1001")),
        ("https://aclanthology.org/volumes/2023.acl-long/", None),
        ("https://doi.org/10.1038/s41586-021-03819-2", ("doi", "10.1038/s41586-021-03819-2")),
        ("https://doi.org/about", None),
    ],
)  # fmt: skip
def test_paper_addresses(url, expected):
    assert scholarly_source(canonicalize(url).canonical_url) == expected


def test_openreview_forum_with_its_public_decision(local, httpserver):
    httpserver.expect_request("/v2/notes", query_string="forum=ylZ4V0QQVQ").respond_with_data(
        load("openreview_forum.json"), content_type=JSON
    )

    card = resolve(canonicalize("https://openreview.net/forum?id=ylZ4V0QQVQ"))

    assert card.title.startswith("Self-RAG: Learning to Retrieve")
    assert card.authors[:2] == ["Akari Asai", "Zeqiu Wu"]
    assert card.extra["venue"] == "ICLR 2024 oral"
    assert card.extra["decision"] == "Accept (oral)"
    assert (
        card.extra["pdf_url"]
        == "https://openreview.net/pdf/2cf1f8fe2a8bf6a8e3b77a26bc9fa2cea0d7a4a1.pdf"
    )
    assert card.published == "2024-01-16"
    assert card.suggested_kind == "paper"


def test_an_openreview_id_that_does_not_exist(local, httpserver):
    httpserver.expect_request("/v2/notes").respond_with_json({"notes": [], "count": 0})
    httpserver.expect_request("/v1/notes").respond_with_json(
        {"name": "NotFoundError", "message": "The Note NoSuchNote1 was not found"}, status=404
    )
    with pytest.raises(FetchError) as excinfo:
        resolve(canonicalize("https://openreview.net/forum?id=NoSuchNote1"))
    assert "見つかりません" in excinfo.value.message
    assert not excinfo.value.transient


def test_acl_anthology_paper_from_its_bibtex(local, httpserver):
    httpserver.expect_request("/acl/2023.acl-long.1.bib").respond_with_data(
        load("acl_paper.bib"), content_type="text/plain; charset=utf-8"
    )

    card = resolve(canonicalize("https://aclanthology.org/2023.acl-long.1.pdf"))

    assert card.title == "Sample Efficient Prompting for Japanese NER with Müller's Trick"
    assert card.authors == ["Patrick Lewis", "Hanako Sato", "María González"]
    assert card.published == "2023-07"
    assert card.extra["venue"].startswith("Proceedings of the 61st Annual Meeting")
    assert card.extra["doi"] == "10.18653/v1/2023.acl-long.1"
    assert card.extra["pages"] == "1–18"
    assert (
        card.description
        == "We show that a small number of Japanese examples suffice & explain why."
    )


def test_bibtex_values_nest_braces_and_quotes():
    fields = parse_bibtex('@article{k, title = {A {B} "c"}, note = "x {"} y", year = 2020}')
    assert fields == {"title": 'A {B} "c"', "note": 'x {"} y', "year": "2020"}


def test_a_doi_through_content_negotiation(local, httpserver):
    httpserver.expect_request("/doi/10.1038/s41586-021-03819-2").respond_with_data(
        load("doi_csl.json"), content_type="application/vnd.citationstyles.csl+json"
    )

    card = resolve(canonicalize("https://doi.org/10.1038/s41586-021-03819-2"))

    assert card.title == "Highly accurate protein structure prediction with AlphaFold"
    assert card.authors == ["John Jumper", "Richard Evans", "AlphaFold Team"]
    assert card.published == "2021-07-15"
    assert card.extra["venue"] == "Nature"
    assert card.description.startswith("Proteins are essential")  # JATS tags dropped
    request = httpserver.log[0][0]
    assert "application/vnd.citationstyles.csl+json" in request.headers["Accept"]


def test_a_doi_that_redirects_ten_times_fails_clearly(local, httpserver):
    for hop in range(10):
        httpserver.expect_request(f"/doi/10.1234/loop{hop}").respond_with_data(
            "", status=302, headers={"Location": f"{local}/doi/10.1234/loop{hop + 1}"}
        )
    with pytest.raises(FetchError) as excinfo:
        resolve(canonicalize("https://doi.org/10.1234/loop0"))
    assert excinfo.value.reason == "too_many_redirects"
    assert not excinfo.value.transient


@pytest.mark.django_db
def test_an_openreview_paper_lands_in_the_library(local, httpserver):
    httpserver.expect_request("/v2/notes").respond_with_data(
        load("openreview_forum.json"), content_type=JSON
    )
    topic = factories.topic(url="https://openreview.net/forum?id=ylZ4V0QQVQ", title="")

    tasks.fetch_link.apply(args=[topic.link_id])

    assert Link.objects.get(pk=topic.link_id).status == "ok"
    paper = PaperLink.objects.select_related("paper").get(link_id=topic.link_id).paper
    assert paper.title.startswith("Self-RAG")
