"""The edge cases real pages and APIs have, each from a recorded-format payload served locally."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.utils import timezone
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import FetchError
from apps.links import fetching, services, tasks
from apps.links.models import Link
from apps.links.resolvers.arxiv import fetch_arxiv
from apps.links.resolvers.github import fetch_github
from apps.links.resolvers.html import decode_html, fetch_page
from apps.topics.models import Topic
from tests import factories
from tests.links.fixtures import allow_local_server, load

ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@pytest.fixture
def local(httpserver: HTTPServer, settings) -> str:
    base = allow_local_server(settings, httpserver)
    settings.ARXIV_API_URL = f"{base}/api/query"
    settings.ARXIV_MIN_INTERVAL = 0.05
    settings.GITHUB_API_URL = base
    settings.GITHUB_SOCIAL_IMAGE_URL = base
    settings.GITHUB_TOKEN = ""
    return base


def serve(server: HTTPServer, path: str, fixture: str, content_type: str = HTML) -> None:
    server.expect_request(path).respond_with_data(load(fixture), content_type=content_type)


# --- arXiv: a bad answer is worth a retry, never "not found" for the whole batch ------------


@pytest.mark.parametrize(
    ("fixture", "content_type"),
    [
        ("arxiv_truncated.xml", ATOM),  # the connection was cut inside the second entry
        ("arxiv_error_page.html", "text/html; charset=utf-8"),  # an error page, status 200
        ("arxiv_error_page.html", ATOM),  # ... even when it claims to be a feed
    ],
)
def test_a_broken_arxiv_answer_is_a_retryable_failure(local, httpserver, fixture, content_type):
    serve(httpserver, "/api/query", fixture, content_type)
    with pytest.raises(FetchError) as excinfo:
        fetch_arxiv(["1706.03762", "1810.04805", "2005.14165"])
    assert excinfo.value.transient


@pytest.mark.django_db
def test_a_truncated_feed_leaves_every_paper_of_the_batch_waiting(local, httpserver):
    serve(httpserver, "/api/query", "arxiv_truncated.xml", ATOM)
    topics = [
        factories.topic(url=f"https://arxiv.org/abs/{key}", title="")
        for key in ("1706.03762", "1810.04805", "2005.14165")
    ]

    with pytest.raises(fetching.LinkFailed) as excinfo:
        fetching.fetch_arxiv_pending()

    assert excinfo.value.transient
    statuses = {Link.objects.get(pk=t.link_id).status for t in topics}
    assert statuses == {"pending"}  # none of them "not found"


# --- JSON-LD -------------------------------------------------------------------------------


def test_json_ld_article_family_graph_name_lists_and_url_authors(local, httpserver):
    serve(httpserver, "/tech/open-reasoning", "news_reportage.html")

    page = fetch_page(f"{local}/tech/open-reasoning")

    # ReportageNewsArticle is an article: it wins over the WebPage node of the @graph.
    assert page.title == "Inside the race to build open reasoning models"
    assert page.description == "Three labs, two years, one benchmark."
    assert page.published == "2025-01-28T06:00:00+00:00"
    assert page.image_url == "https://cdn.theledger.example/open-reasoning.jpg"
    # One Person node naming two people; a URL, an unresolved @id and a nameless Person
    # are not names. The meta author (a URL) is not used either.
    assert page.authors == ["Maya Chen", "Tom Okafor"]
    assert page.site_name == "The Ledger"  # publisher by reference
    assert page.extra["page_language"] == "en-GB"


def test_json_ld_type_with_a_vocabulary_prefix(local, httpserver):
    serve(httpserver, "/kernels", "tech_article.html")
    page = fetch_page(f"{local}/kernels")
    assert page.title == "Kernel fusion for attention, step by step"
    assert page.authors == ["Ken Watanabe"]
    assert page.published == "2024-09-12"


# --- journal and proceedings pages ---------------------------------------------------------


def test_journal_page_from_dc_and_prism_tags(local, httpserver):
    serve(httpserver, "/articles/s41586-021-03819-2", "journal_article.html")

    page = fetch_page(f"{local}/articles/s41586-021-03819-2")

    assert page.title == "Highly accurate protein structure prediction with AlphaFold"
    assert page.authors == ["John Jumper", "Richard Evans", "Alexander Pritzel"]
    assert page.published == "2021-08"  # prism.publicationDate "2021/08"
    assert page.extra["venue"] == "Nature"
    assert page.extra["doi"] == "10.1038/s41586-021-03819-2"
    assert page.suggested_kind == "paper"
    # The https twin wins over the http og:image.
    assert page.image_url == "https://media.nature.example/lw1200/figure1.png"
    assert page.canonical_url == "https://www.nature.example/articles/s41586-021-03819-2"
    assert page.extra["page_language"] == "en"


def test_proceedings_page_from_citation_tags(local, httpserver):
    serve(httpserver, "/v162/lipman22a.html", "proceedings.html")

    page = fetch_page(f"{local}/v162/lipman22a.html")

    assert page.title == "Flow Matching for Generative Modeling"
    # "Family, Given" reads as a name; a Japanese name keeps its order.
    assert page.authors == ["Yaron Lipman", "Ricky T. Q. Chen", "Heli Ben-Hamu", "山田 花子"]
    assert page.published == "2022-09-01"
    assert page.extra["venue"] == (
        "Proceedings of the 39th International Conference on Machine Learning"
    )
    assert page.extra["pdf_url"] == f"{local}/v162/lipman22a/lipman22a.pdf"
    assert page.description.startswith("We introduce a new paradigm")
    assert page.suggested_kind == "paper"


def test_citation_date_with_year_and_month(local, httpserver):
    serve(httpserver, "/paper/rag", "proceedings_citation_date.html")
    page = fetch_page(f"{local}/paper/rag")
    assert page.published == "2021-08"
    assert page.extra["doi"] == "10.5555/3495724.3496517"
    assert page.authors == ["Patrick Lewis"]


def test_a_blog_is_not_made_a_paper(local, httpserver):
    serve(httpserver, "/posts/rag-eval/", "blog_all.html")
    page = fetch_page(f"{local}/posts/rag-eval/")
    assert page.suggested_kind == "blog"
    assert "venue" not in page.extra
    assert page.extra["page_language"] == "ja"


# --- charset -------------------------------------------------------------------------------


def test_undeclared_utf8_with_a_long_ascii_start_is_utf8(local, httpserver):
    body = load("utf8_undeclared_head.html") + b"<p>" + b"attention " * 30_000 + b"</p>"
    body += "<p>Q–K–V：注意機構</p></body></html>".encode()
    assert len(body) > 256 * 1024

    text = decode_html(body)
    assert text.endswith("<p>Q–K–V：注意機構</p></body></html>")

    httpserver.expect_request("/long").respond_with_data(body, content_type="text/html")
    page = fetch_page(f"{local}/long")
    assert page.title == "Long read: notes on attention"


def test_a_wrong_label_still_falls_back_to_detection() -> None:
    # Not UTF-8 at all (Shift_JIS) and undeclared: detection, not a UTF-8 mess.
    body = "<html><head><title>機械学習勉強会の記録</title></head></html>".encode("cp932") * 20
    assert "機械学習勉強会の記録" in decode_html(body)


# --- canonical URL: kept, and a second URL of one page merges ------------------------------


@pytest.mark.django_db
def test_the_declared_canonical_url_is_kept_on_the_pages_own_host(local, httpserver):
    page = load("plain.html").replace(
        b"<head>", f'<head><link rel="canonical" href="{local}/notes/rag">'.encode()
    )
    httpserver.expect_request("/notes/rag").respond_with_data(page, content_type=HTML)
    topic = factories.topic(url=f"{local}/notes/rag?ref=feed", title="")

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert link.status == "ok"
    assert link.declared_url == f"{local}/notes/rag"
    assert link.card_url == f"{local}/notes/rag"
    # Pasting the canonical address later finds the same card.
    assert services.link_for_pasted_url(f"{local}/notes/rag") == link


@pytest.mark.django_db
def test_a_canonical_url_on_another_host_is_not_believed(local, httpserver):
    page = load("plain.html").replace(
        b"<head>", b'<head><link rel="canonical" href="https://popular.example/page">'
    )
    httpserver.expect_request("/copy").respond_with_data(page, content_type=HTML)
    topic = factories.topic(url=f"{local}/copy", title="")

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert link.declared_url == ""
    assert link.card_url == f"{local}/copy"


@pytest.mark.django_db
def test_two_urls_of_one_page_merge_into_one_card(local, httpserver):
    page = load("plain.html").replace(
        b"<head>", f'<head><link rel="canonical" href="{local}/notes/rag">'.encode()
    )
    httpserver.expect_request("/notes/rag").respond_with_data(page, content_type=HTML)
    first = factories.topic(url=f"{local}/notes/rag", title="")
    tasks.fetch_link.apply(args=[first.link_id])
    # A second member pastes the same page through a mobile address with a share parameter.
    httpserver.expect_request("/notes/rag/amp").respond_with_data(page, content_type=HTML)
    second = factories.topic(url=f"{local}/notes/rag/amp?s=09", title="")
    duplicate = second.link_id
    assert duplicate != first.link_id

    tasks.fetch_link.apply(args=[duplicate])

    second.refresh_from_db()
    assert second.link_id == first.link_id
    assert not Link.objects.filter(pk=duplicate).exists()
    assert Topic.objects.filter(link_id=first.link_id).count() == 2
    assert second.title == "Notes on Mixture-of-Experts"  # filled from the card it joined


# --- GitHub --------------------------------------------------------------------------------


def test_a_missing_repository_says_not_found(local, httpserver):
    httpserver.expect_request("/repos/nobody/nothing").respond_with_json(
        {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, status=404
    )
    with pytest.raises(FetchError) as excinfo:
        fetch_github("nobody/nothing")
    assert "見つかりません" in excinfo.value.message
    assert (excinfo.value.status, excinfo.value.transient) == (404, False)


@pytest.mark.django_db
def test_github_rate_limit_is_named_with_its_reset_time(local, httpserver):
    reset = int(time.time()) + 1800
    httpserver.expect_request("/repos/karpathy/nanogpt").respond_with_data(
        load("github_rate_limited.json"), status=403, content_type="application/json"
    )
    limits = json.loads(load("github_rate_limit.json"))
    limits["resources"]["core"]["reset"] = reset
    httpserver.expect_request("/rate_limit").respond_with_json(limits)
    topic = factories.topic(url="https://github.com/karpathy/nanoGPT", title="x")
    link = Link.objects.get(pk=topic.link_id)

    with pytest.raises(fetching.LinkFailed) as excinfo:
        fetching.fetch_one(services.link_claim(link_ids=[link.pk])[0])

    expected = timezone.localtime(dt.datetime.fromtimestamp(reset, tz=dt.UTC))
    message = excinfo.value.message
    assert "GitHubの利用制限" in message
    # The reset time, in the group's time zone (a minute of slack for the clock).
    assert any((expected - dt.timedelta(minutes=m)).strftime("%H:%M") in message for m in (0, 1))
    assert excinfo.value.transient


@pytest.mark.django_db
def test_github_card_keeps_the_repositorys_case(local, httpserver):
    httpserver.expect_request("/repos/karpathy/nanogpt").respond_with_data(
        load("github_repo.json"), content_type="application/json"
    )
    topic = factories.topic(url="https://github.com/karpathy/nanoGPT", title="x")

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert link.canonical_url == "https://github.com/karpathy/nanogpt"  # one link per repo
    assert link.card_url == "https://github.com/karpathy/nanoGPT"
