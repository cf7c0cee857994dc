"""Responses that carry members' text as a file (Markdown, JSON, BibTeX): never a web page.

A `<script>` a member wrote in a note is plain text in these files. The browser must not be
led to read it as HTML: the type is stated and not to be sniffed, the file is named, and a
sandboxing policy with no sources means that even a browser that did render it would run
nothing and load nothing.
"""

from __future__ import annotations

from django.http import HttpResponse

# Only the characters a meeting date, a tag or an id produce: the name goes into a header.
_FILENAME_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def file_response(
    body: str | bytes, *, content_type: str, filename: str, attachment: bool = True
) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = "".join(c if c in _FILENAME_SAFE else "_" for c in filename)[:100] or "download"
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
