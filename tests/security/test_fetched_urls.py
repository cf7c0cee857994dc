"""Every URL that comes from a fetched page or API is http(s) before it is stored, and again
when a template puts it in an href: the attack was a malicious arXiv answer whose PDF link
said `javascript:`; clicking "PDF" on the card ran script."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

import pytest
from django.template import Context, Template
from django.urls import reverse
from pytest_httpserver import HTTPServer

from apps.core.weburls import href, http_url
from apps.links import fetching
from apps.links.metadata import Metadata, checked_urls
from apps.links.models import Link
from apps.links.resolvers.html import parse_html
from apps.links.services import link_store_metadata
from apps.papers.models import Paper
from tests import factories
from tests.links.fixtures import allow_local_server, load
from tests.security.url_vectors import BAD_URLS

pytestmark = pytest.mark.django_db
ATOM = "application/atom+xml; charset=utf-8"
# An attribute that a browser would follow or load, with its value.
_TARGET = re.compile(r"""\b(?:href|src|action|formaction|poster|data)\s*=\s*(["'])(.*?)\1""", re.S)


def link_targets(html: str) -> list[str]:
    return [m.group(2) for m in _TARGET.finditer(html)]


def assert_only_web_targets(html: str) -> None:
    for target in link_targets(html):
        seen = target.replace("&amp;", "&")
        # "" is the filter refusing a URL: the link goes nowhere.
        assert seen == "" or seen.startswith(("/", "#", "?")) or re.match(r"https?://", seen)
        assert not seen.startswith(("//", "/\\")), target


@pytest.mark.parametrize("vector", BAD_URLS)
def test_no_vector_of_the_corpus_is_an_http_url(vector):
    assert http_url(vector) == ""
    assert href(vector) == ""


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("https://arxiv.org/pdf/1706.03762", "", "https://arxiv.org/pdf/1706.03762"),
        ("/images/card.png", "https://blog.example/post", "https://blog.example/images/card.png"),
        ("card.png", "https://blog.example/post/", "https://blog.example/post/card.png"),
        ("//cdn.example/x.png", "https://blog.example/", "https://cdn.example/x.png"),
        ("/x.png", "javascript:alert(1)//", ""),  # a relative path is only as good as its base
        (" https://example.com/a b ", "", "https://example.com/a b"),
    ],
)
def test_relative_urls_are_resolved_to_http(value, base, expected):
    assert http_url(value, base) == expected


def test_the_href_filter_keeps_site_paths_and_web_urls_only():
    template = Template('{% load board %}<a href="{{ url|href }}">x</a>')

    def render(url):
        return template.render(Context({"url": url}))

    assert render("/meetings/2025-03-28/") == '<a href="/meetings/2025-03-28/">x</a>'
    assert render("https://arxiv.org/abs/1") == '<a href="https://arxiv.org/abs/1">x</a>'
    for vector in BAD_URLS:
        assert render(vector) == '<a href="">x</a>', vector


# --- The recreated attack: a malicious arXiv answer ------------------------------------------


def _malicious_feed(vector: str) -> bytes:
    feed = load("arxiv_three.xml").decode()
    feed = feed.replace('href="http://arxiv.org/pdf/1706.03762v7"', f"href={quoteattr(vector)}")
    feed = feed.replace('href="http://arxiv.org/abs/1706.03762v7"', f"href={quoteattr(vector)}")
    body = vector.replace("&", "&amp;").replace("<", "&lt;")
    return feed.replace(
        "<title>Attention Is All You Need</title>",
        "<title>Attention Is All You Need</title>"
        f'<arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">{body}</arxiv:doi>'
        f'<link title="doi" href={quoteattr(vector)} rel="related"/>',
    ).encode()


# The vectors an XML document can carry (XML 1.0 has no \x00 or \x01).
FEED_VECTORS = [v for v in BAD_URLS if "\x00" not in v and "\x01" not in v]


@pytest.mark.parametrize("vector", [*FEED_VECTORS[:12], "javascript:alert(document.domain)"])
def test_a_malicious_arxiv_answer_puts_no_script_link_on_the_card_or_the_paper_page(
    vector, member_client, httpserver: HTTPServer, settings
):
    base = allow_local_server(settings, httpserver)
    settings.ARXIV_API_URL = f"{base}/api/query"
    settings.ARXIV_MIN_INTERVAL = 0.01
    httpserver.expect_request("/api/query").respond_with_data(
        _malicious_feed(vector), content_type=ATOM
    )
    meeting = factories.meeting()
    factories.topic(meeting=meeting, url="https://arxiv.org/abs/1706.03762", title="")

    fetching.fetch_arxiv_pending()

    link = Link.objects.get(key="1706.03762")
    assert link.status == "ok"
    assert link.extra["pdf_url"].startswith("https://arxiv.org/pdf/")
    assert link.extra["doi"] == ""
    board = member_client.get(meeting.get_absolute_url()).content.decode()
    assert "Attention Is All You Need" in board
    assert_only_web_targets(board)
    paper = Paper.objects.get()
    page = member_client.get(paper.get_absolute_url()).content.decode()
    assert "Attention Is All You Need" in page
    assert_only_web_targets(page)


def test_a_script_link_already_stored_is_not_rendered_as_a_link(member_client):
    """The template filter is the second check: rows stored before the first one existed."""
    meeting = factories.meeting()
    topic = factories.topic(meeting=meeting, url="https://arxiv.org/abs/1706.03762", title="T")
    Link.objects.filter(pk=topic.link_id).update(
        status="ok",
        title="Stored earlier",
        canonical_url="javascript:alert(1)",
        extra={"pdf_url": "javascript:alert(2)", "arxiv_id": "1706.03762"},
    )

    board = member_client.get(meeting.get_absolute_url()).content.decode()

    assert "Stored earlier" in board
    assert "javascript:" not in board
    assert_only_web_targets(board)


# --- Every other fetched URL -----------------------------------------------------------------


@pytest.mark.parametrize("vector", [v for v in BAD_URLS if "\x00" not in v][:20])
def test_an_html_page_cannot_give_a_script_image_canonical_or_oembed_url(vector):
    attr = quoteattr(vector)
    page = f"""<!doctype html><html><head>
      <base href={attr}>
      <title>Blog post</title>
      <meta property="og:image" content={attr}>
      <meta name="twitter:image" content={attr}>
      <link rel="canonical" href={attr}>
      <meta property="og:url" content={attr}>
      <link rel="icon" href={attr}>
      <link rel="image_src" href={attr}>
      <link rel="alternate" type="application/json+oembed" href={attr}>
      <script type="application/ld+json">{{"@type": "BlogPosting", "image": {attr},
        "author": {{"@type": "Person", "name": "A", "url": {attr}}}}}</script>
    </head><body></body></html>"""

    parsed = parse_html(page, "https://blog.example/post")

    metadata = parsed.metadata
    for url in (metadata.image_url, metadata.favicon_url, metadata.canonical_url):
        assert url == "" or url.startswith("https://blog.example/"), url
    assert parsed.oembed_url == "" or parsed.oembed_url.startswith("https://blog.example/")


def test_url_fields_in_extra_are_checked_when_stored_whatever_the_resolver():
    link = Link.objects.create(canonical_url="https://github.com/a/b", kind="github", key="a/b")
    metadata = Metadata(
        title="repo",
        image_url="javascript:alert(1)",
        favicon_url="data:image/svg+xml,<svg onload=alert(1)>",
        extra={
            "homepage": "javascript:alert(1)",
            "owner_avatar_url": "vbscript:x",
            "pdf_url": " JaVaScRiPt:alert(1)",
            "author_urls": ["https://ok.example/", "javascript:alert(1)"],
            "oembed": {"thumbnail_url": "data:text/html,x", "html": "<b>kept as data</b>"},
            "doi": "javascript:alert(1)",
            "stars": 3,
        },
    )

    link_store_metadata(link=link, metadata=metadata, thumbnail_webp=None)

    link.refresh_from_db()
    assert (link.image_url, link.favicon_url) == ("", "")
    assert link.extra["homepage"] == link.extra["owner_avatar_url"] == link.extra["pdf_url"] == ""
    assert link.extra["author_urls"] == ["https://ok.example/", ""]
    assert link.extra["oembed"]["thumbnail_url"] == ""
    assert link.extra["doi"] == ""
    assert link.extra["stars"] == 3


def test_a_real_doi_is_kept():
    assert checked_urls({"doi": "10.1023/A:1026654312961"}) == {"doi": "10.1023/A:1026654312961"}


def test_a_github_answer_with_script_links(httpserver: HTTPServer, settings, member_client):
    base = allow_local_server(settings, httpserver)
    settings.GITHUB_API_URL = base
    settings.GITHUB_SOCIAL_IMAGE_URL = "javascript:alert(1)//"
    repo = load("github_repo.json").decode()
    repo = re.sub(r'"homepage": "[^"]*"', '"homepage": "javascript:alert(1)"', repo)
    repo = re.sub(r'"html_url": "[^"]*"', '"html_url": "javascript:alert(2)"', repo)
    repo = re.sub(r'"avatar_url": "[^"]*"', '"avatar_url": "javascript:alert(3)"', repo)
    httpserver.expect_request(re.compile(r"/repos/.*")).respond_with_data(
        repo, content_type="application/json"
    )
    meeting = factories.meeting()
    topic = factories.topic(meeting=meeting, url="https://github.com/karpathy/nanoGPT")

    from apps.links import tasks

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert link.status == "ok", link.failure_message
    assert "javascript" not in repr(link.extra) + link.image_url
    board = member_client.get(reverse("meetings:detail", args=[meeting.date])).content.decode()
    assert_only_web_targets(board)
