"""Markdown → sanitized HTML: the only place that produces trusted HTML."""

from __future__ import annotations

from dataclasses import dataclass

import bleach
import markdown


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str = ""


def render_markdown(source: str, *, with_toc: bool = False) -> Rendered:
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists", "toc"])
    html = bleach.clean(md.convert(source or ""), strip=True)
    return Rendered(html=html, toc_html=bleach.clean(getattr(md, "toc", "")) if with_toc else "")
