"""Page 1 of uploaded slides as the card's thumbnail (pdfium, then the links' image pipeline)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from apps.links.images import make_thumbnail
from apps.links.resolvers.pdf import render_first_page

from .materials import max_pdf_bytes
from .models import SlidesUpload


def slides_thumbnail(upload_id: int) -> str:
    upload = SlidesUpload.objects.filter(pk=upload_id).first()
    if upload is None:
        return "gone"
    try:
        with upload.file.open("rb") as handle:
            data = handle.read(max_pdf_bytes() + 1)
        if len(data) > max_pdf_bytes():
            raise ValueError("PDFが大きすぎます。")
        webp = make_thumbnail(render_first_page(data))
    except (ValueError, OSError) as exc:
        upload.status, upload.message = SlidesUpload.Status.FAILED, str(exc)[:200]
        upload.save(update_fields=["status", "message"])
        return "failed"
    upload.thumbnail.save(f"slides-{upload.pk}.webp", ContentFile(webp), save=False)
    upload.status, upload.message = SlidesUpload.Status.OK, ""
    upload.save(update_fields=["thumbnail", "status", "message"])
    return "ok"
