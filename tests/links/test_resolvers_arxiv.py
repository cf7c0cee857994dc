"""arXiv metadata: one API request per batch, parsed by the arxiv package, served locally."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import FetchError
from apps.links.canonical import canonicalize
from apps.links.categories import CATEGORY_NAMES, category_name, category_names
from apps.links.resolvers import resolve
from apps.links.resolvers.arxiv import MAX_IDS, fetch_arxiv
from tests.links.fixtures import allow_local_server, load

ATOM = "application/atom+xml; charset=utf-8"


@pytest.fixture
def api(httpserver: HTTPServer, settings) -> HTTPServer:
    settings.ARXIV_API_URL = allow_local_server(settings, httpserver) + "/api/query"
    return httpserver


def serve(api: HTTPServer, fixture: str, status: int = 200) -> None:
    api.expect_request("/api/query").respond_with_data(
        load(fixture), status=status, content_type=ATOM
    )


def test_three_papers_come_from_one_request(api: HTTPServer) -> None:
    serve(api, "arxiv_three.xml")

    found = fetch_arxiv(["1706.03762", "1810.04805v2", "hep-th/9711200"])

    assert len(api.log) == 1
    ((request, _response),) = api.log
    assert request.args["id_list"] == "1706.03762,1810.04805,hep-th/9711200"
    assert request.args["max_results"] == "3"  # the API's default page would be 10
    assert sorted(found) == ["1706.03762", "1810.04805", "hep-th/9711200"]


def test_paper_metadata_for_the_card(api: HTTPServer) -> None:
    serve(api, "arxiv_three.xml")

    paper = fetch_arxiv(["1706.03762"])["1706.03762"]

    assert paper.title == "Attention Is All You Need"
    assert paper.authors[0] == "Ashish Vaswani"
    assert len(paper.authors) == 8
    assert paper.description.startswith("The dominant sequence transduction models")
    assert "\n" not in paper.description
    assert paper.published == "2017-06-12T17:57:34+00:00"
    assert paper.updated == "2023-08-02T00:41:18+00:00"
    assert paper.site_name == "arXiv"
    assert paper.suggested_kind == "paper"
    assert paper.image_url == ""  # the card shows the first PDF page instead
    assert paper.canonical_url == "https://arxiv.org/abs/1706.03762"
    extra = paper.extra
    assert extra["arxiv_id"] == "1706.03762"
    assert extra["version"] == 7
    assert extra["primary_category"] == "cs.CL"
    assert extra["categories"] == ["cs.CL", "cs.LG"]
    assert extra["category_names"] == {
        "cs.CL": "Computation and Language",
        "cs.LG": "Machine Learning",
    }
    assert extra["pdf_url"] == "https://arxiv.org/pdf/1706.03762v7"
    assert extra["comment"] == "15 pages, 5 figures"
    assert extra["doi"] == ""
    assert extra["journal_ref"] == ""
    assert extra["abstract"].endswith("dispensing with recurrence and convolutions entirely.")
    json.dumps(extra)  # stored in a JSONField


def test_multi_line_titles_and_old_style_ids(api: HTTPServer) -> None:
    serve(api, "arxiv_three.xml")

    found = fetch_arxiv(["1810.04805", "hep-th/9711200"])

    assert found["1810.04805"].title == (
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    )
    maldacena = found["hep-th/9711200"]
    assert maldacena.canonical_url == "https://arxiv.org/abs/hep-th/9711200"
    assert maldacena.extra["doi"] == "10.1023/A:1026654312961"
    assert maldacena.extra["journal_ref"] == "Adv.Theor.Math.Phys.2:231-252,1998"
    assert maldacena.extra["comment"].startswith("20 pages, harvmac, v2: section on AdS_2")
    # The MSC class 81T30 is a <category> too, but not an arXiv category.
    assert maldacena.extra["categories"] == ["hep-th", "gr-qc"]
    assert maldacena.extra["category_names"]["gr-qc"] == "General Relativity and Quantum Cosmology"
    assert maldacena.extra["pdf_url"] == "https://arxiv.org/pdf/hep-th/9711200v3"


def test_an_unknown_id_is_absent(api: HTTPServer) -> None:
    serve(api, "arxiv_empty.xml")
    assert fetch_arxiv(["2503.99999"]) == {}
    assert len(api.log) == 1


def test_only_the_ids_the_api_returned_are_present(api: HTTPServer) -> None:
    serve(api, "arxiv_three.xml")  # has 1706.03762 but not 2503.99999
    found = fetch_arxiv(["2503.99999", "1706.03762"])
    assert list(found) == ["1706.03762"]


def test_the_api_error_document_is_never_a_paper(api: HTTPServer) -> None:
    serve(api, "arxiv_error.xml")
    assert fetch_arxiv(["1706.03762"]) == {}


def test_a_refused_query_is_a_permanent_error(api: HTTPServer) -> None:
    serve(api, "arxiv_error.xml", status=400)
    with pytest.raises(FetchError) as excinfo:
        fetch_arxiv(["1706.03762"])
    assert (excinfo.value.reason, excinfo.value.status) == ("http_error", 400)
    assert not excinfo.value.transient


def test_an_overloaded_api_is_worth_a_retry(api: HTTPServer) -> None:
    api.expect_request("/api/query").respond_with_data("busy", status=503)
    with pytest.raises(FetchError) as excinfo:
        fetch_arxiv(["1706.03762"])
    assert excinfo.value.transient


def test_a_garbled_feed_is_worth_a_retry(api: HTTPServer) -> None:
    api.expect_request("/api/query").respond_with_data("", content_type=ATOM)
    with pytest.raises(FetchError) as excinfo:
        fetch_arxiv(["1706.03762"])
    assert excinfo.value.transient


def test_malformed_ids_are_not_sent(api: HTTPServer) -> None:
    # One malformed id makes the API refuse the whole batch with HTTP 400.
    serve(api, "arxiv_three.xml")
    found = fetch_arxiv(["1706.03762", "1234.5", "../../etc", "1706.03762v2"])
    assert list(found) == ["1706.03762"]
    ((request, _response),) = api.log
    assert request.args["id_list"] == "1706.03762"


def test_nothing_valid_means_no_request(api: HTTPServer) -> None:
    assert fetch_arxiv([]) == {}
    assert fetch_arxiv(["nonsense"]) == {}
    assert api.log == []


def test_more_than_one_hundred_ids_is_a_programming_error(api: HTTPServer) -> None:
    ids = [f"2503.{n:05d}" for n in range(MAX_IDS + 1)]
    with pytest.raises(ValueError, match=f"at most {MAX_IDS} arXiv ids"):
        fetch_arxiv(ids)
    assert api.log == []


def test_one_hundred_ids_are_one_request(api: HTTPServer) -> None:
    serve(api, "arxiv_empty.xml")
    fetch_arxiv([f"2503.{n:05d}" for n in range(1, MAX_IDS + 1)])
    ((request, _response),) = api.log
    assert len(request.args["id_list"].split(",")) == MAX_IDS


def test_the_api_url_goes_through_the_ssrf_rules(settings, no_network) -> None:
    settings.ARXIV_API_URL = "http://10.0.0.5/api/query"
    with pytest.raises(FetchError) as excinfo:
        fetch_arxiv(["1706.03762"])
    assert excinfo.value.reason == "blocked_address"


def test_resolve_fetches_a_single_paper(api: HTTPServer) -> None:
    serve(api, "arxiv_three.xml")
    paper = resolve(canonicalize("https://arxiv.org/pdf/1706.03762v5"))
    assert paper.title == "Attention Is All You Need"


def test_resolve_reports_an_unknown_paper_as_not_found(api: HTTPServer) -> None:
    serve(api, "arxiv_empty.xml")
    with pytest.raises(FetchError) as excinfo:
        resolve(canonicalize("https://arxiv.org/abs/2503.99999"))
    assert (excinfo.value.reason, excinfo.value.status) == ("http_error", 404)


# --- category names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("cs.LG", "Machine Learning"),
        ("cs.CL", "Computation and Language"),
        ("cs.CV", "Computer Vision and Pattern Recognition"),
        ("cs.AI", "Artificial Intelligence"),
        ("cs.IR", "Information Retrieval"),
        ("stat.ML", "Machine Learning"),
        ("math.OC", "Optimization and Control"),
        ("eess.AS", "Audio and Speech Processing"),
        ("eess.IV", "Image and Video Processing"),
        ("q-bio.NC", "Neurons and Cognition"),
        ("physics.comp-ph", "Computational Physics"),
        ("quant-ph", "Quantum Physics"),
        ("cond-mat.dis-nn", "Disordered Systems and Neural Networks"),
    ],
)
def test_category_codes_have_readable_names(code: str, name: str) -> None:
    assert category_name(code) == name


def test_every_computer_science_category_is_named() -> None:
    cs = {code for code in CATEGORY_NAMES if code.startswith("cs.")}
    assert len(cs) == 40
    assert {code for code in CATEGORY_NAMES if code.startswith("eess.")} == {
        "eess.AS", "eess.IV", "eess.SP", "eess.SY",
    }  # fmt: skip


def test_an_unknown_category_falls_back_to_its_code() -> None:
    assert category_names(["cs.LG", "cs.ZZ"]) == {"cs.LG": "Machine Learning", "cs.ZZ": "cs.ZZ"}
