"""Web pages: OpenGraph, Twitter, JSON-LD and plain HTML; Japanese encodings; oEmbed."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import MAX_HTML_BYTES, FetchError
from apps.links.canonical import canonicalize
from apps.links.resolvers import resolve
from apps.links.resolvers.html import decode_html, fetch_page, meta_charset
from tests.links.fixtures import allow_local_server, load, text


@pytest.fixture
def base(httpserver: HTTPServer, settings) -> str:
    return allow_local_server(settings, httpserver)


def serve(server: HTTPServer, path: str, body: bytes | str, content_type: str) -> None:
    server.expect_request(path).respond_with_data(body, content_type=content_type)


def serve_html(server: HTTPServer, path: str, fixture: str) -> None:
    serve(server, path, load(fixture), "text/html; charset=utf-8")


# --- metadata sources and their precedence ------------------------------------------------


def test_opengraph_wins_over_twitter_and_json_ld(httpserver: HTTPServer, base: str) -> None:
    serve_html(httpserver, "/posts/rag-eval/", "blog_all.html")

    page = fetch_page(f"{base}/posts/rag-eval/")

    assert page.title == "RAGの評価指標を整理する"
    # Escaped markup removed, the page's double-escaped "&amp;amp;" shown as "&".
    assert page.description == (
        "RAG の評価で使う faithfulness と answer relevancy を比較します。& 実装例つき。"
    )
    assert page.site_name == "ML Notes"
    assert page.image_url == f"{base}/images/rag-eval-card.png"  # the first og:image
    assert page.published == "2025-03-20T09:00:00+09:00"
    assert page.updated == "2025-03-22T18:30:00+09:00"
    # JSON-LD names the author by reference into its @graph; article:author is a URL.
    assert page.authors == ["山田 花子"]
    assert page.canonical_url == "https://mlnotes.example/posts/rag-eval/"
    assert page.favicon_url == f"{base}/assets/favicon-32.png"
    assert page.suggested_kind == "blog"
    assert page.thumbnail is None


def test_twitter_card_wins_over_json_ld_and_title(httpserver: HTTPServer, base: str) -> None:
    serve_html(httpserver, "/scaling", "blog_twitter.html")

    page = fetch_page(f"{base}/scaling")

    assert page.title == "Scaling Laws, Revisited"
    assert page.description == "A second look at compute-optimal training."
    assert page.image_url == "http://images.example.org/scaling.jpg"  # protocol-relative
    assert page.authors == ["Taro Suzuki", "Jiro Sato", "Anonymous Reviewer"]
    assert page.published == "2024-11-02"


def test_json_ld_wins_over_plain_html(httpserver: HTTPServer, base: str) -> None:
    serve_html(httpserver, "/flash", "blog_jsonld.html")

    page = fetch_page(f"{base}/flash")

    assert page.title == "Flash Attention の仕組み"
    assert page.description == "GPU のメモリ階層から見た Flash Attention の解説。"
    assert page.image_url == "https://static.techblog.example/flash.png"
    assert page.authors == ["佐藤 次郎"]
    assert page.site_name == "Tech Blog"
    assert page.published == "2024-06-01T10:00:00Z"
    assert page.updated == "2024-06-03T10:00:00Z"
    assert page.favicon_url == "https://static.techblog.example/favicon.ico"


def test_plain_html_fallbacks(httpserver: HTTPServer, base: str) -> None:
    serve_html(httpserver, "/notes/moe.html", "plain.html")

    page = fetch_page(f"{base}/notes/moe.html")

    assert page.title == "Notes on Mixture-of-Experts"
    assert page.description == "Routing, load balancing & expert capacity. Plain HTML only."
    assert page.authors == ["Hanako Yamada"]
    assert page.favicon_url == f"{base}/notes/icons/favicon.png"  # relative to the page
    assert page.image_url == ""
    assert page.site_name == "127.0.0.1"  # the host, when the page names no site
    assert page.canonical_url == f"{base}/notes/moe.html"


def test_a_page_without_any_metadata_is_titled_by_its_address(
    httpserver: HTTPServer, base: str
) -> None:
    serve_html(httpserver, "/notes/untitled-page", "bare.html")

    page = fetch_page(f"{base}/notes/untitled-page")

    assert page.title == "127.0.0.1/notes/untitled-page"
    assert page.description == ""
    assert page.authors == []
    assert page.favicon_url == f"{base}/favicon.ico"


def test_relative_urls_resolve_against_the_final_url(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/blog/2025/post.html"}
    )
    serve(
        httpserver,
        "/blog/2025/post.html",
        '<meta property="og:image" content="img/card.png"><title>Moved</title>',
        "text/html",
    )

    page = fetch_page(f"{base}/old")

    assert page.image_url == f"{base}/blog/2025/img/card.png"
    assert page.canonical_url == f"{base}/blog/2025/post.html"


def test_hostile_values_come_back_as_capped_plain_text(httpserver: HTTPServer, base: str) -> None:
    long_description = "長い説明。" * 400
    html = f"""<html><head>
    <meta property="og:title"
      content="&lt;script&gt;alert(1)&lt;/script&gt;Real &lt;b&gt;title&lt;/b&gt;">
    <meta property="og:description" content="{long_description}">
    <meta property="og:image" content="javascript:alert(1)">
    <meta name="twitter:image" content="data:image/png;base64,AAAA">
    <link rel="icon" href="javascript:alert(2)">
    <link rel="canonical" href="file:///etc/passwd">
    </head></html>"""
    serve(httpserver, "/evil", html, "text/html; charset=utf-8")

    page = fetch_page(f"{base}/evil")

    assert page.title == "Real title"
    assert len(page.description) == 1000
    assert page.description.endswith("…")
    assert page.image_url == ""
    assert page.favicon_url == f"{base}/favicon.ico"
    assert page.canonical_url == f"{base}/evil"


def test_a_very_long_title_is_capped(httpserver: HTTPServer, base: str) -> None:
    serve(httpserver, "/long", f"<title>{'word ' * 200}</title>", "text/html")
    assert len(fetch_page(f"{base}/long").title) == 300


def test_resolve_fetches_the_canonical_url(httpserver: HTTPServer, base: str) -> None:
    serve_html(httpserver, "/notes/moe.html", "plain.html")

    page = resolve(canonicalize(f"{base}/notes/moe.html?utm_source=slack#intro"))

    assert page.title == "Notes on Mixture-of-Experts"
    ((request, _response),) = httpserver.log
    assert request.query_string == b""


# --- what is not a web page ---------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["image/png", "application/zip", "text/plain", ""])
def test_other_content_types_are_refused(
    httpserver: HTTPServer, base: str, content_type: str
) -> None:
    serve(httpserver, "/file", b"\x89PNG\r\n\x1a\n", content_type)
    with pytest.raises(FetchError) as excinfo:
        fetch_page(f"{base}/file")
    assert excinfo.value.reason == "unsupported_content_type"


def test_an_html_page_over_its_cap_is_too_large(httpserver: HTTPServer, base: str) -> None:
    serve(httpserver, "/huge", b"<p>" + b"x" * MAX_HTML_BYTES, "text/html")
    with pytest.raises(FetchError) as excinfo:
        fetch_page(f"{base}/huge")
    assert excinfo.value.reason == "too_large"


# --- Japanese encodings --------------------------------------------------------------------

TITLE = "第１２回 機械学習勉強会の記録 ① 髙橋さんの発表"  # ① and 髙 exist only in cp932
DESCRIPTION_START = "強化学習と大規模言語モデルについて"


def japanese_page(meta: str, encoding: str) -> bytes:
    return text("japanese.html").replace("{meta}", meta).encode(encoding)


@pytest.mark.parametrize(
    ("meta", "content_type"),
    [
        pytest.param("", "text/html; charset=Shift_JIS", id="header-only"),
        pytest.param("", "text/html; charset=windows-31j", id="header-windows-31j"),
        pytest.param('<meta charset="shift_jis">', "text/html", id="meta-charset-only"),
        pytest.param(
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
            "text/html",
            id="meta-http-equiv-only",
        ),
        pytest.param("", "text/html", id="neither-detected"),
        pytest.param(
            '<meta charset="Shift_JIS">',
            "text/html; charset=utf-8",
            id="wrong-header-then-meta",
        ),
    ],
)
def test_shift_jis_pages_decode(
    httpserver: HTTPServer, base: str, meta: str, content_type: str
) -> None:
    serve(httpserver, "/sjis", japanese_page(meta, "cp932"), content_type)

    page = fetch_page(f"{base}/sjis")

    assert page.title == TITLE
    assert page.description.startswith(DESCRIPTION_START)


@pytest.mark.parametrize(
    ("meta", "content_type"),
    [
        pytest.param('<meta charset="EUC-JP">', "text/html", id="meta"),
        pytest.param("", "text/html; charset=euc-jp", id="header"),
        pytest.param("", "text/html", id="detected"),
    ],
)
def test_euc_jp_pages_decode(
    httpserver: HTTPServer, base: str, meta: str, content_type: str
) -> None:
    # EUC-JP has neither ① nor 髙.
    def euc_safe(value: str) -> str:
        return value.replace(" ①", "").replace("髙", "高")

    title = euc_safe(TITLE)
    body = euc_safe(text("japanese.html").replace("{meta}", meta))
    serve(httpserver, "/euc", body.encode("euc_jp"), content_type)

    page = fetch_page(f"{base}/euc")

    assert page.title == title
    assert page.description.startswith(DESCRIPTION_START)


def test_utf8_pages_decode(httpserver: HTTPServer, base: str) -> None:
    serve(httpserver, "/utf8", japanese_page('<meta charset="utf-8">', "utf-8"), "text/html")
    assert fetch_page(f"{base}/utf8").title == TITLE


def test_a_byte_order_mark_wins() -> None:
    body = "<title>BOM付き</title>".encode("utf-8-sig")
    assert "BOM付き" in decode_html(body, "shift_jis")


def test_meta_charset_prescan() -> None:
    assert meta_charset(b'<meta charset="EUC-JP">') == "EUC-JP"
    assert meta_charset(b"<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=x-sjis'>") == (
        "x-sjis"
    )
    assert meta_charset(b"<p>charset=utf-8 in text is not a declaration</p>") is None


def test_an_unknown_label_falls_back_to_detection() -> None:
    body = text("japanese.html").replace("{meta}", "").encode("cp932")
    assert TITLE in decode_html(body, "x-no-such-charset")


# --- oEmbed ---------------------------------------------------------------------------------


def test_oembed_fills_what_the_page_lacks(httpserver: HTTPServer, base: str) -> None:
    serve_html(httpserver, "/decks/diffusion", "slides.html")
    httpserver.expect_request(
        "/oembed.json", query_string={"url": "https://slides.example/decks/diffusion"}
    ).respond_with_data(load("slides_oembed.json"), content_type="application/json")

    page = fetch_page(f"{base}/decks/diffusion")

    assert page.title == "拡散モデル入門 / Introduction to Diffusion Models"
    assert page.authors == ["Hanako Yamada"]
    assert page.image_url == f"{base}/thumbs/diffusion.jpg"
    assert page.site_name == "Speaker Deck"
    assert page.extra == {
        "provider_name": "Speaker Deck",
        "author_name": "Hanako Yamada",
        "embed_type": "rich",
        # Only the player's address on an allowlisted host, never the provider's HTML.
        "embed": {
            "kind": "slides",
            "provider": "Speaker Deck",
            "src": "https://speakerdeck.com/player/abc",
            "ratio": 1.7794,
        },
    }
    assert "iframe" not in repr(page)  # the embed HTML is never taken


def test_oembed_does_not_override_the_page(httpserver: HTTPServer, base: str) -> None:
    serve_html(httpserver, "/watch", "video.html")
    httpserver.expect_request("/oembed").respond_with_data(
        load("video_oembed.json"), content_type="application/json"
    )

    page = fetch_page(f"{base}/watch")

    assert page.title == "Lecture 7: Attention"
    assert page.image_url == "https://i.ytimg.example/vi/abc/maxresdefault.jpg"  # og:image kept
    assert page.site_name == "YouTube"
    assert page.authors == ["Stanford Online"]  # only oEmbed knew the channel
    assert page.extra["embed_type"] == "video"


def test_no_oembed_request_when_the_page_says_everything(httpserver: HTTPServer, base: str) -> None:
    serve_html(httpserver, "/complete", "wordpress.html")

    page = fetch_page(f"{base}/complete")

    assert page.title == "A complete post"
    assert [request.path for request, _response in httpserver.log] == ["/complete"]


@pytest.mark.parametrize(
    "respond",
    [
        lambda r: r.respond_with_data("not json", content_type="application/json"),
        lambda r: r.respond_with_json({"error": "gone"}, status=404),
        lambda r: r.respond_with_json(["a", "list"]),
    ],
)
def test_a_broken_oembed_endpoint_leaves_the_page_card(
    httpserver: HTTPServer, base: str, respond
) -> None:
    serve_html(httpserver, "/decks/diffusion", "slides.html")
    respond(httpserver.expect_request("/oembed.json"))

    page = fetch_page(f"{base}/decks/diffusion")

    assert page.title == "127.0.0.1/decks/diffusion"
    assert page.extra == {}


def test_oembed_links_obey_the_ssrf_rules(httpserver: HTTPServer, base: str) -> None:
    html = (
        '<title>Deck</title><link rel="alternate" type="application/json+oembed" '
        'href="http://169.254.169.254/latest/meta-data/">'
    )
    serve(httpserver, "/deck", html, "text/html")

    page = fetch_page(f"{base}/deck")

    assert page.title == "Deck"
    assert page.extra == {}
    assert len(httpserver.log) == 1


@pytest.mark.parametrize(
    "label", ["rot13", "zlib", "base64", "unicode_escape", "utf-7", "undefined"]
)
def test_python_only_codecs_named_by_a_page_are_ignored(label: str) -> None:
    body = text("japanese.html").replace("{meta}", f'<meta charset="{label}">').encode("cp932")
    assert TITLE in decode_html(body, label)


def test_base_href_applies_to_declared_urls_not_to_the_favicon_fallback(
    httpserver: HTTPServer, base: str
) -> None:
    html = (
        '<base href="https://cdn.example/assets/">'
        '<meta property="og:image" content="card.png"><title>Based</title>'
    )
    serve(httpserver, "/based", html, "text/html")

    page = fetch_page(f"{base}/based")

    assert page.image_url == "https://cdn.example/assets/card.png"
    assert page.favicon_url == f"{base}/favicon.ico"
