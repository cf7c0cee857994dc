"""Import uploads: bounded while they arrive, judged by their content, bombs refused at once.

The attacks: a 7 MB "notes" file, a request body far over any import, a ZIP of 50 MB of zeros
(a few kB on the wire), a gzip of the same, an image renamed notes.txt, and a PNG that
decodes to a billion pixels for the thumbnailer."""

from __future__ import annotations

import gzip
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import Image

from apps.archive.models import ImportRun
from apps.core.uploads import CappedMemoryFileUploadHandler, CappedTemporaryFileUploadHandler
from apps.meetings.models import Meeting

pytestmark = pytest.mark.django_db
URL = reverse("archive:import")
NOTES = "2025-03-28 機械学習勉強会\n\n@Fumika (fr)\n[論文] Attention\n  • 速い\n"


def _post_file(client, name: str, data: bytes):
    upload = SimpleUploadedFile(name, data, content_type="text/plain")
    return client.post(URL, {"files": upload}, follow=True)


def _report(response) -> str:
    return response.content.decode()


def _parse(body: bytes, settings):
    """Run Django's multipart parser with the board's handlers over `body`."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    meta = {
        "CONTENT_TYPE": MULTIPART_CONTENT,
        "CONTENT_LENGTH": str(len(body)),
    }
    handlers = [CappedMemoryFileUploadHandler(request), CappedTemporaryFileUploadHandler(request)]
    return MultiPartParser(meta, io.BytesIO(body), handlers).parse()


@pytest.mark.parametrize("in_memory", [True, False])
def test_only_the_cap_of_a_large_file_is_kept_and_its_real_size_is_known(settings, in_memory):
    settings.UPLOAD_MAX_FILE_BYTES = 1024 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024 * 1024 if in_memory else 1024
    data = b"x" * (7 * 1024 * 1024)
    body = encode_multipart(BOUNDARY, {"files": SimpleUploadedFile("big.txt", data)})

    _post, files = _parse(body, settings)

    upload = files["files"]
    assert upload.size == len(data)  # the importer can say how big it was
    assert len(upload.read()) == settings.UPLOAD_MAX_FILE_BYTES + 1  # only that was kept


def test_a_seven_megabyte_notes_file_is_refused_with_its_size(organizer_client):
    data = (NOTES + "  • " + "あ" * 200 + "\n").encode() * 12_000
    assert len(data) > 7 * 1024 * 1024

    response = _post_file(organizer_client, "huge.txt", data)

    assert "ファイルが大きすぎます（7." in _report(response)
    assert not Meeting.objects.exists()


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(organizer_client, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 1024 * 1024

    response = organizer_client.post(
        URL, {"files": SimpleUploadedFile("a.txt", b"x" * (3 * 1024 * 1024))}
    )

    assert response.status_code == 413
    assert "一度に送れるのは合計 1 MB までです" in response.content.decode()
    assert not ImportRun.objects.exists()  # the view never ran


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", b"\0" * (50 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "kind"),
    [
        ("notes.zip", _zip_bomb, "ZIP"),
        ("notes.txt", _zip_bomb, "ZIP"),
        ("notes.txt.gz", lambda: gzip.compress(b"\0" * (50 * 1024 * 1024), 9), "gzip"),
    ],
)
def test_a_compressed_bomb_is_refused_at_once_and_never_opened(organizer_client, name, make, kind):
    bomb = make()
    assert len(bomb) < 200_000  # tiny on the wire, 50 MB unpacked

    start = time.perf_counter()
    response = _post_file(organizer_client, name, bomb)
    elapsed = time.perf_counter() - start

    page = _report(response)
    assert f"{kind} のバイナリファイルです" in page
    assert "圧縮ファイルは展開して" in page
    assert elapsed < 2.0
    assert not Meeting.objects.exists()


def test_the_type_is_judged_by_content_not_by_the_name(organizer_client):
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")

    response = _post_file(organizer_client, "2025-03-28.txt", png.getvalue())

    assert "PNG のバイナリファイルです" in _report(response)
    assert not Meeting.objects.exists()


def test_the_library_import_shares_the_limits(member_client):
    bomb = _zip_bomb()

    response = member_client.post(
        reverse("papers:import"),
        {"files": SimpleUploadedFile("summaries.md", bomb, content_type="text/markdown")},
    )

    assert "ZIP のバイナリファイルです" in response.content.decode()


def test_pillows_bomb_guard_is_on_for_thumbnails():
    from apps.links.images import MAX_PIXELS, make_thumbnail

    assert Image.MAX_IMAGE_PIXELS is not None
    assert Image.MAX_IMAGE_PIXELS <= 2 * MAX_PIXELS
    out = io.BytesIO()
    Image.new("1", (32_000, 32_000)).save(out, "PNG", optimize=True)  # 1 Gpx, ~100 kB
    start = time.perf_counter()
    with pytest.raises(ValueError, match="画像として読み込めませんでした"):
        make_thumbnail(out.getvalue())
    assert time.perf_counter() - start < 1.0


def test_every_request_uses_the_capped_handlers(rf):
    request = rf.post("/")
    assert [type(h) for h in request.upload_handlers] == [
        CappedMemoryFileUploadHandler,
        CappedTemporaryFileUploadHandler,
    ]
