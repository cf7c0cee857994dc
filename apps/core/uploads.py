"""Uploads are bounded while they arrive, not after.

Django writes every uploaded file to memory or a temporary file before a view sees it. Two
bounds keep that small whatever a client sends:

* `UploadSizeMiddleware` answers 413 to a request whose declared body is over
  UPLOAD_MAX_REQUEST_BYTES, before anything of it is read (placed before the CSRF check,
  which would read it);
* the upload handlers keep at most UPLOAD_MAX_FILE_BYTES + 1 bytes of each file and drop
  the rest as it streams past, while the file's `size` stays the real one, so the importer
  can still say "too large (7.3 MB)".

What a file is, is then decided by its content (`apps.core.textfiles`), never by its name.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class _KeepsOnlyTheCap:
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        # A memory handler that is not active passes every chunk on whole, for the next one.
        if getattr(self, "activated", True):
            raw_data = raw_data[: max(0, settings.UPLOAD_MAX_FILE_BYTES + 1 - start)]
            if not raw_data:
                return None  # past the cap: dropped, and not passed on either
        kept: bytes | None = super().receive_data_chunk(raw_data, start)  # type: ignore[misc]
        return kept


class CappedMemoryFileUploadHandler(_KeepsOnlyTheCap, MemoryFileUploadHandler):
    pass


class CappedTemporaryFileUploadHandler(_KeepsOnlyTheCap, TemporaryFileUploadHandler):
    pass


class UploadSizeMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.UPLOAD_MAX_REQUEST_BYTES
        if declared > limit:
            message = _(
                "送信されたデータが大きすぎます（%(size)s MB）。一度に送れるのは合計 %(limit)s MB"
                " までです。ファイルを分けて送ってください。"
            ) % {"size": f"{declared / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:g}"}
            response = render(request, "413.html", {"message": message}, status=413)
            response["Connection"] = "close"  # the unread body is not waited for
            return response
        answer: HttpResponse = self.get_response(request)
        return answer
