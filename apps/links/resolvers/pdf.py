"""PDF documents: title, page count and the first page rendered as a picture (pypdfium2).

pdfium is native code reading untrusted bytes: it only ever sees documents that passed the
byte cap, calls are serialised (pdfium is not thread-safe), forms and JavaScript are never
initialised, and the rendered size is bounded whatever the page claims to measure.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from posixpath import basename
from urllib.parse import unquote, urlsplit

import pypdfium2 as pdfium

from apps.core.http import safe_http
from apps.links.metadata import NAME_MAX, TITLE_MAX, Metadata, collapse, names, truncate

# Served as octet-stream by many file hosts; the %PDF- signature is checked instead.
ACCEPT_PDF_FILES = (*safe_http.ACCEPT_PDF, "application/x-pdf", "application/octet-stream")
RENDER_WIDTH = 1280  # twice the card width: sharp after the thumbnail's downscale
RENDER_MAX_HEIGHT = 2400
RENDER_MAX_SCALE = 4.0  # a tiny page is not blown up into a huge bitmap
MAX_PAGE_POINTS = 14_400  # PDF's own limit on a page side (200 inches)

_PDFIUM_LOCK = threading.Lock()
# Titles that word processors write for the author: no better than no title.
_JUNK_TITLE = re.compile(
    r"untitled|microsoft (word|powerpoint|excel) - .*|.*\.(docx?|pptx?|xlsx?|tex|dvi|pdf|ps)",
    re.IGNORECASE,
)
_PDF_DATE = re.compile(
    r"D:(?P<y>\d{4})(?P<m>\d{2})?(?P<d>\d{2})?(?P<H>\d{2})?(?P<M>\d{2})?(?P<S>\d{2})?"
    r"(?P<tz>Z|[+-]\d{2}'?\d{2}'?)?"
)


def fetch_pdf_first_page(pdf_url: str, *, timeout: float = 30.0) -> bytes:
    """Page 1 of the PDF at ``pdf_url`` as PNG bytes.

    FetchError for anything the download refuses; ValueError when it is not a readable PDF.
    """
    response = safe_http.fetch(
        pdf_url, max_bytes=safe_http.MAX_PDF_BYTES, accept=ACCEPT_PDF_FILES, timeout=timeout
    )
    return render_first_page(response.content)


def render_first_page(data: bytes) -> bytes:
    """PNG bytes of page 1; ValueError when ``data`` is not a readable PDF."""
    with _open(data) as document:
        return _render(document)


def metadata_from_pdf(data: bytes, *, url: str = "") -> Metadata:
    """Title (document info, else the first line of text, else the file name), authors,
    creation date, page count and page 1 as ``thumbnail`` (PNG). ValueError if unreadable."""
    with _open(data) as document:
        title = _info(document, "Title")
        if not title or _JUNK_TITLE.fullmatch(title):
            title = _first_line(document) or _file_name(url)
        author = _info(document, "Author")
        return Metadata(
            title=truncate(title, TITLE_MAX),
            authors=names(author.split(";")) if author else [],
            published=pdf_date(_info(document, "CreationDate")),
            canonical_url=url,
            suggested_kind="blog",
            extra={"pages": len(document)},
            thumbnail=_render(document),
        )


def pdf_date(value: str) -> str:
    """A PDF date (``D:20240131093000+09'00'``) as ISO 8601; "" when unreadable."""
    match = _PDF_DATE.match(value.strip())
    if match is None:
        return ""
    year, month, day = match["y"], match["m"] or "01", match["d"] or "01"
    if not ("01" <= month <= "12" and "01" <= day <= "31"):
        return ""
    if match["H"] is None:
        return f"{year}-{month}-{day}"
    time = f"{match['H']}:{match['M'] or '00'}:{match['S'] or '00'}"
    tz = (match["tz"] or "").replace("'", "")
    if tz and tz != "Z":
        tz = f"{tz[:3]}:{tz[3:5]}"
    return f"{year}-{month}-{day}T{time}{tz}"


@contextmanager
def _open(data: bytes) -> Iterator[pdfium.PdfDocument]:
    if b"%PDF-" not in data[:1024]:  # where the PDF specification puts the header
        raise ValueError("PDFとして読み込めませんでした。")
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:  # corrupt, or protected by a password
            raise ValueError("PDFとして読み込めませんでした。") from exc
        try:
            if len(document) == 0:
                raise ValueError("PDFにページがありません。")
            yield document
        finally:
            document.close()


def _render(document: pdfium.PdfDocument) -> bytes:
    page = document[0]
    try:
        width, height = page.get_size()
        if not (0 < width <= MAX_PAGE_POINTS and 0 < height <= MAX_PAGE_POINTS):
            raise ValueError("PDFのページの大きさが不正です。")
        scale = min(RENDER_WIDTH / width, RENDER_MAX_HEIGHT / height, RENDER_MAX_SCALE)
        bitmap = page.render(scale=scale, may_draw_forms=False)
        try:
            image = bitmap.to_pil()
        finally:
            bitmap.close()
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG")
        return out.getvalue()
    except pdfium.PdfiumError as exc:
        raise ValueError("PDFのページを描画できませんでした。") from exc
    finally:
        page.close()


def _info(document: pdfium.PdfDocument, key: str) -> str:
    try:
        return collapse(document.get_metadata_value(key))
    except pdfium.PdfiumError:
        return ""


def _first_line(document: pdfium.PdfDocument) -> str:
    page = document[0]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_bounded()
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return ""
    finally:
        page.close()
    for line in text.splitlines():
        line = collapse(line)
        if len(line) >= 3:
            return line
    return ""


def _file_name(url: str) -> str:
    try:
        return truncate(collapse(unquote(basename(urlsplit(url).path))), NAME_MAX)
    except ValueError:
        return ""
