"""Card thumbnails: untrusted image bytes in, a clean WebP of the card size out.

Every thumbnail is decoded by Pillow (proving it is a picture), re-encoded from raw pixels
(so no EXIF, GPS, ICC profile or comment survives) and cover-cropped to ``THUMBNAIL_SIZE``,
the card's 1.91:1 box (the OpenGraph image ratio: 1200×630 fits without cropping).
Landscape pictures are cropped around their centre; portrait ones (PDF pages, screenshots,
posters) keep their top, where titles are. Small pictures are scaled up: every card
thumbnail has the same size, so the layout never jumps.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from apps.core.http import safe_http

THUMBNAIL_SIZE = (640, 336)
MAX_PIXELS = 40_000_000  # 40 MP: any photo; far below what would exhaust a worker's memory
WEBP_QUALITY = 80
# Pillow's own decompression-bomb guard stays on for every image opened in this process (the
# PDF renderer's bitmaps too), whatever a library may have set: a warning (an error here)
# past this, an error past twice this. Our own lower limit above gives the clearer message.
Image.MAX_IMAGE_PIXELS = 2 * MAX_PIXELS
# Raster formats we decode; Image.open would otherwise also try EPS (Ghostscript) and more.
FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "AVIF", "BMP")

_NOT_AN_IMAGE = "画像として読み込めませんでした。"


class _Refused(ValueError):
    """A readable image we will not decode (too many pixels)."""


def make_thumbnail(data: bytes) -> bytes:
    """WebP bytes of ``THUMBNAIL_SIZE``; ValueError (Japanese) for anything not an image."""
    image = _decode(data)
    landscape = image.width / image.height >= THUMBNAIL_SIZE[0] / THUMBNAIL_SIZE[1]
    centering = (0.5, 0.5) if landscape else (0.5, 0.0)
    fitted = ImageOps.fit(image, THUMBNAIL_SIZE, Image.Resampling.LANCZOS, centering=centering)
    # A new image from the raw pixels only: nothing of the original's metadata can follow.
    clean = Image.frombytes(fitted.mode, fitted.size, fitted.tobytes())
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def download_thumbnail(image_url: str, *, timeout: float = 10.0) -> bytes:
    """Fetch ``image_url`` through the safe client and make its thumbnail.

    FetchError when the download is refused (too large, not an image type, blocked...);
    ValueError when the bytes are not a decodable image.
    """
    response = safe_http.fetch(
        image_url,
        max_bytes=safe_http.MAX_IMAGE_BYTES,
        accept=safe_http.ACCEPT_IMAGES,
        timeout=timeout,
    )
    return make_thumbnail(response.content)


def _decode(data: bytes) -> Image.Image:
    """Decoded pixels in RGB or RGBA, upright, refusing decompression bombs."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own two limits; ours is lower and an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=_available_formats())
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise _Refused(f"{_NOT_AN_IMAGE}（{width}×{height} ピクセルは大きすぎます）")
            if image.format == "JPEG":
                # Decode at a reduced scale straight away: a 24 MP photo needs 1/8 of it.
                # Square request: an EXIF rotation may still swap width and height.
                side = max(THUMBNAIL_SIZE)
                image.draft("RGB", (side, side))
            image.load()
            # Phones store rotation in EXIF; apply it before EXIF is dropped.
            image = ImageOps.exif_transpose(image)
            return image.convert("RGBA" if _has_alpha(image) else "RGB")
    except _Refused:
        raise
    except (
        ValueError,  # also raised by Pillow for unsupported modes and broken data
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,  # some plugins report corrupt headers this way
        EOFError,
    ) as exc:
        raise ValueError(_NOT_AN_IMAGE) from exc


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _available_formats() -> list[str]:
    Image.init()
    return [f for f in FORMATS if f in Image.OPEN]
