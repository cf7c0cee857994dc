"""Markdown → sanitized HTML: the only place in the app that produces trusted HTML."""

from __future__ import annotations

from .sanitize import HEADING_ID_PREFIX, Rendered, render_markdown

__all__ = ["HEADING_ID_PREFIX", "Rendered", "render_markdown"]
