"""Thumbnails: real PNG/JPEG/GIF bytes in, clean WebP of the card size out; junk refused."""

from __future__ import annotations

import io
import os
import struct
import zlib

import pytest
from PIL import Image, ImageCms
from pytest_httpserver import HTTPServer

from apps.core.http.safe_http import MAX_IMAGE_BYTES, FetchError
from apps.links.images import MAX_PIXELS, THUMBNAIL_SIZE, download_thumbnail, make_thumbnail
from tests.links.fixtures import allow_local_server

RED, BLUE, GREEN = (220, 30, 30), (30, 30, 220), (30, 200, 30)
EXIF_MAKE, EXIF_MODEL, EXIF_ARTIST, EXIF_ORIENTATION = 0x010F, 0x0110, 0x013B, 0x0112
EXIF_GPS_IFD = 0x8825


def camera_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_MAKE] = "Canon"
    exif[EXIF_MODEL] = "EOS R5"
    exif[EXIF_ARTIST] = "Hanako Yamada"
    exif.get_ifd(EXIF_GPS_IFD)[2] = (35.0, 41.0, 22.0)  # a latitude: where the photo was taken
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    return exif


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def halves(size: tuple[int, int], first: tuple, second: tuple, *, vertical: bool) -> Image.Image:
    """Two colours: left/right halves (vertical split) or top/bottom halves."""
    image = Image.new("RGB", size, second)
    w, h = size
    image.paste(first, (0, 0, w // 2, h) if vertical else (0, 0, w, h // 2))
    return image


def decoded(webp: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(webp))
    assert image.format == "WEBP"
    assert image.size == THUMBNAIL_SIZE
    return image


def assert_no_metadata(image: Image.Image) -> None:
    assert not image.getexif()
    assert "exif" not in image.info
    assert "icc_profile" not in image.info
    assert "xmp" not in image.info


def close_to(pixel: tuple, colour: tuple, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


# --- make_thumbnail ----------------------------------------------------------------------


def test_png_with_exif_becomes_clean_webp_of_card_size() -> None:
    source = halves((1200, 630), RED, BLUE, vertical=True)
    data = encode(source, "PNG", exif=camera_exif())
    assert Image.open(io.BytesIO(data)).getexif()[EXIF_MAKE] == "Canon"  # the input has it

    thumbnail = decoded(make_thumbnail(data))

    assert_no_metadata(thumbnail)
    assert b"Canon" not in make_thumbnail(data)
    rgb = thumbnail.convert("RGB")
    assert close_to(rgb.getpixel((100, 168)), RED)
    assert close_to(rgb.getpixel((540, 168)), BLUE)


def test_jpeg_with_exif_gps_and_icc_becomes_clean_webp() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        Image.new("RGB", (4000, 3000), GREEN), "JPEG", exif=camera_exif(), icc_profile=icc
    )

    out = make_thumbnail(data)

    thumbnail = decoded(out)
    assert_no_metadata(thumbnail)
    for secret in (b"Canon", b"EOS R5", b"Hanako Yamada", b"Exif"):
        assert secret not in out
    assert close_to(thumbnail.convert("RGB").getpixel((320, 168)), GREEN)


def test_exif_rotation_is_applied_before_it_is_dropped() -> None:
    # Stored sideways (left red, right blue) with "rotate 90° clockwise to display":
    # displayed, red is on top.
    data = encode(
        halves((600, 1200), RED, BLUE, vertical=True), "JPEG", exif=camera_exif(orientation=6)
    )
    rgb = decoded(make_thumbnail(data)).convert("RGB")
    assert close_to(rgb.getpixel((20, 20)), RED)
    assert close_to(rgb.getpixel((620, 20)), RED)


def test_portrait_pictures_keep_their_top() -> None:
    # A document page: the heading (red) is in the top fifth.
    page = Image.new("RGB", (1280, 1656), BLUE)
    page.paste(RED, (0, 0, 1280, 330))
    rgb = decoded(make_thumbnail(encode(page, "PNG"))).convert("RGB")
    assert close_to(rgb.getpixel((320, 20)), RED)
    assert close_to(rgb.getpixel((320, 320)), BLUE)


def test_landscape_pictures_are_cropped_around_the_centre() -> None:
    wide = Image.new("RGB", (2000, 500), BLUE)
    wide.paste(RED, (0, 0, 300, 500))
    wide.paste(RED, (1700, 0, 2000, 500))
    rgb = decoded(make_thumbnail(encode(wide, "PNG"))).convert("RGB")
    assert close_to(rgb.getpixel((5, 168)), BLUE)
    assert close_to(rgb.getpixel((634, 168)), BLUE)


def test_transparency_is_kept() -> None:
    logo = Image.new("RGBA", (800, 420), (0, 0, 0, 0))
    logo.paste((255, 0, 0, 255), (300, 100, 500, 320))
    thumbnail = decoded(make_thumbnail(encode(logo, "PNG")))
    assert thumbnail.mode == "RGBA"
    assert thumbnail.getpixel((5, 5))[3] == 0
    assert thumbnail.getpixel((320, 168))[3] == 255


def test_small_gif_is_scaled_to_the_card() -> None:
    gif = encode(Image.new("P", (64, 64), 3), "GIF")
    decoded(make_thumbnail(gif))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param("これは画像ではありません。\n".encode(), id="text"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", id="svg"),
        pytest.param(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", id="eps"),
        pytest.param(b"%PDF-1.4\n", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, id="broken-png"),
    ],
)
def test_what_is_not_an_image_is_refused_in_japanese(data: bytes) -> None:
    with pytest.raises(ValueError, match="画像として読み込めませんでした"):
        make_thumbnail(data)


def test_a_truncated_image_is_refused() -> None:
    data = encode(Image.effect_noise((800, 600), 50).convert("RGB"), "JPEG")
    with pytest.raises(ValueError, match="画像として読み込めませんでした"):
        make_thumbnail(data[: len(data) // 3])


def test_a_decompression_bomb_over_our_pixel_limit_is_refused() -> None:
    # 49 MP of one colour compress to a few KB: small download, huge decode.
    bomb = encode(Image.new("1", (7000, 7000)), "PNG", optimize=True)
    assert len(bomb) < 100_000
    assert MAX_PIXELS < 7000 * 7000
    with pytest.raises(ValueError, match="大きすぎます"):
        make_thumbnail(bomb)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` and carries a single empty row of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(50_000, 50_000), (1_000_000, 1), (8000, 6000)])
def test_huge_dimensions_are_refused_without_decoding(size: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="画像として読み込めませんでした"):
        make_thumbnail(png_header_only(*size))


# --- download_thumbnail ------------------------------------------------------------------


@pytest.fixture
def base(httpserver: HTTPServer, settings) -> str:
    return allow_local_server(settings, httpserver)


def test_download_and_thumbnail(httpserver: HTTPServer, base: str) -> None:
    data = encode(Image.new("RGB", (1200, 630), RED), "JPEG", exif=camera_exif())
    httpserver.expect_request("/og.jpg").respond_with_data(data, content_type="image/jpeg")

    thumbnail = decoded(download_thumbnail(f"{base}/og.jpg"))

    assert_no_metadata(thumbnail)
    ((request, _response),) = httpserver.log
    assert "image/png" in request.headers["Accept"]


def test_text_served_as_png_is_not_an_image(httpserver: HTTPServer, base: str) -> None:
    httpserver.expect_request("/fake.png").respond_with_data(
        "<html>not a picture</html>", content_type="image/png"
    )
    with pytest.raises(ValueError, match="画像として読み込めませんでした"):
        download_thumbnail(f"{base}/fake.png")


def test_an_image_over_the_byte_cap_is_too_large(httpserver: HTTPServer, base: str) -> None:
    # Incompressible pixels stored uncompressed: a real PNG just over 10 MB.
    side = 1900
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    data = encode(noise, "PNG", compress_level=0)
    assert len(data) > MAX_IMAGE_BYTES
    httpserver.expect_request("/huge.png").respond_with_data(data, content_type="image/png")

    with pytest.raises(FetchError) as excinfo:
        download_thumbnail(f"{base}/huge.png")
    assert excinfo.value.reason == "too_large"


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/pdf"])
def test_other_content_types_are_not_downloaded(
    httpserver: HTTPServer, base: str, content_type: str
) -> None:
    httpserver.expect_request("/thing").respond_with_data(b"<svg/>", content_type=content_type)
    with pytest.raises(FetchError) as excinfo:
        download_thumbnail(f"{base}/thing")
    assert excinfo.value.reason == "unsupported_content_type"


def test_image_urls_obey_the_ssrf_rules(no_network) -> None:
    with pytest.raises(FetchError) as excinfo:
        download_thumbnail("http://169.254.169.254/latest/meta-data/iam.png")
    assert excinfo.value.reason == "blocked_address"
