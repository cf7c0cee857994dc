"""PDF links: title and page count from the document, the first page as a picture."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import FetchError
from apps.links.resolvers.html import fetch_page
from apps.links.resolvers.pdf import (
    fetch_pdf_first_page,
    metadata_from_pdf,
    pdf_date,
    render_first_page,
)
from tests.links.fixtures import allow_local_server, make_pdf

DARK_BLUE = (0, 0, 153)
WHITE = (255, 255, 255)


@pytest.fixture
def base(httpserver: HTTPServer, settings) -> str:
    return allow_local_server(settings, httpserver)


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def test_a_pdf_link_gets_its_title_pages_and_first_page(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/papers/mamba-notes.pdf").respond_with_data(
        make_pdf("Reading Notes on Mamba", pages=3), content_type="application/pdf"
    )

    page = fetch_page(f"{base}/papers/mamba-notes.pdf")

    assert page.title == "Reading Notes on Mamba"
    assert page.authors == ["Hanako Yamada"]
    assert page.published == "2024-01-31T09:30:00+09:00"
    assert page.extra == {"pages": 3}
    assert page.site_name == "127.0.0.1"
    assert page.canonical_url == f"{base}/papers/mamba-notes.pdf"
    # The first page, rendered: the blue band on top, white paper below.
    image = png(page.thumbnail)
    assert image.width == 1280
    assert abs(image.height - 1280 * 792 / 612) < 1.5  # portrait, as the page
    assert image.getpixel((20, 20)) == DARK_BLUE
    assert image.getpixel((20, image.height - 20)) == WHITE


def test_a_pdf_without_title_is_named_by_its_first_line(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/slides.pdf").respond_with_data(
        make_pdf(None, text="Retrieval Augmented Generation in Practice"),
        content_type="application/pdf",
    )
    page = fetch_page(f"{base}/slides.pdf")
    assert page.title == "Retrieval Augmented Generation in Practice"
    assert page.authors == []


def test_a_word_processor_file_name_is_not_a_title() -> None:
    meta = metadata_from_pdf(make_pdf("Microsoft Word - draft3.docx", text="Real Heading"))
    assert meta.title == "Real Heading"


def test_a_broken_pdf_is_not_a_web_page(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/broken.pdf").respond_with_data(
        b"%PDF-1.7\nthis is not really a PDF", content_type="application/pdf"
    )
    with pytest.raises(FetchError) as excinfo:
        fetch_page(f"{base}/broken.pdf")
    assert excinfo.value.reason == "unsupported_content_type"


def test_first_page_of_an_arxiv_style_pdf_url(httpserver: HTTPServer, base: str) -> None:
    # File hosts often say octet-stream; the %PDF- signature decides.
    httpserver.expect_request("/pdf/1706.03762v7").respond_with_data(
        make_pdf("Attention"), content_type="application/octet-stream"
    )
    image = png(fetch_pdf_first_page(f"{base}/pdf/1706.03762v7"))
    assert image.getpixel((20, 20)) == DARK_BLUE


def test_first_page_of_something_else_is_refused(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/pdf/html").respond_with_data("<html>", content_type="text/html")
    httpserver.expect_request("/pdf/zip").respond_with_data(
        b"PK\x03\x04", content_type="application/octet-stream"
    )
    with pytest.raises(FetchError):
        fetch_pdf_first_page(f"{base}/pdf/html")
    with pytest.raises(ValueError, match="PDFとして読み込めませんでした"):
        fetch_pdf_first_page(f"{base}/pdf/zip")


@pytest.mark.parametrize(
    "data", [b"", b"hello", b"%PDF-1.4\n%%EOF", b"\x89PNG\r\n\x1a\n" + b"\0" * 100]
)
def test_unreadable_documents_raise_value_error(data: bytes) -> None:
    with pytest.raises(ValueError, match="PDFとして読み込めませんでした"):
        render_first_page(data)
    with pytest.raises(ValueError, match="PDFとして読み込めませんでした"):
        metadata_from_pdf(data)


def test_a_page_claiming_absurd_dimensions_is_not_rendered() -> None:
    huge = make_pdf("Huge").replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 900000 792]")
    with pytest.raises(ValueError, match="PDFのページの大きさが不正です"):
        render_first_page(huge)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("D:20240131093000+09'00'", "2024-01-31T09:30:00+09:00"),
        ("D:20240131093000Z", "2024-01-31T09:30:00Z"),
        ("D:20240131", "2024-01-31"),
        ("D:2024", "2024-01-01"),
        ("D:20241399", ""),
        ("yesterday", ""),
        ("", ""),
    ],
)
def test_pdf_dates(value: str, expected: str) -> None:
    assert pdf_date(value) == expected
