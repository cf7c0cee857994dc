"""Markdown → sanitized HTML: the only place in the app that produces trusted HTML.

The result is stored beside the source at save time and shown with ``|safe``, so everything
that leaves :func:`render_markdown` has been through the one bleach allowlist (``sanitize``).

Pipeline:

1. python-markdown with tables, fenced_code, sane_lists, toc and one local extension
   (``extension``) that keeps ``$…$``/``$$…$$`` math away from emphasis (``math``), nests
   2-space lists (``lists``), and defuses input shapes on which python-markdown or html5lib go
   quadratic or deep (``guards``: we render inside the request), within the caps of
   ``limits`` (which also holds each field's size limit).
2. bleach ``Cleaner`` with the allowlist: disallowed tags are escaped (shown, not run),
   disallowed attributes and URL schemes dropped, comments stripped.
3. Bare ``http(s)://`` URLs linkified; every ``<a>`` gets ``rel="nofollow noopener noreferrer"``.

Each call builds its own Markdown and Cleaner instances (neither is thread-safe). Importers
render a whole file ahead of their transaction with ``render_ahead``.
"""

from __future__ import annotations

from .render import RenderDeadlineExceeded, Rendered, render_ahead, render_markdown
from .sanitize import HEADING_ID_PREFIX

__all__ = [
    "HEADING_ID_PREFIX",
    "RenderDeadlineExceeded",
    "Rendered",
    "render_ahead",
    "render_markdown",
]
