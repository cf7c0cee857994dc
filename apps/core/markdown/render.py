"""The public entry point: source text in, sanitized HTML (and a table of contents) out."""

from __future__ import annotations

import html
import logging
import re
import threading
from dataclasses import dataclass

import bleach
import markdown

from .extension import new_markdown
from .guards import LT_PLACEHOLDER
from .sanitize import new_cleaner

# Named after the package: which of its modules failed is no concern of whoever reads the log.
logger = logging.getLogger(__package__)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str = ""


_TOC_LIST_RE = re.compile(r"<ul>.*</ul>", re.DOTALL)


def _fallback_html(source: str) -> str:
    """Plain escaped paragraphs, for input python-markdown cannot handle (e.g. 10k nested `>`)."""
    paragraphs = re.split(r"\n\s*\n", source.strip())
    return "\n".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>\n") + "</p>" for p in paragraphs
    )


# Text with none of these has no Markdown or HTML in it: it renders to plain paragraphs.
_MARKUP_CHARS = frozenset("<>&*_[](){}#!|$\\`~=+-:.\"'\t")
_PLAIN_PARAGRAPH_BREAK = re.compile(r"\n\n+")


def _plain_paragraphs(source: str) -> str | None:
    """The HTML of text without markup (most remarks: `めちゃ速い`), or None when in doubt.

    python-markdown and bleach cost milliseconds per call; this cheap path gives the very
    output they would, and nothing that could be markup ever takes it.
    """
    if _MARKUP_CHARS.intersection(source) or "http" in source or "www" in source:
        return None
    if source != source.strip("\n") or any(line != line.strip() for line in source.split("\n")):
        return None  # indentation and trailing spaces mean something in Markdown
    return "\n".join(f"<p>{p}</p>" for p in _PLAIN_PARAGRAPH_BREAK.split(source))


# One parser and one cleaner per thread, reset between documents: building them costs about as
# much as rendering a short note, and an import renders thousands. Neither is shared between
# threads; one that failed mid-document is thrown away rather than reused.
_per_thread = threading.local()


def _markdown() -> markdown.Markdown:
    md = getattr(_per_thread, "markdown", None)
    if md is None:
        md = _per_thread.markdown = new_markdown()
    return md.reset()


def _cleaner() -> bleach.Cleaner:
    cleaner = getattr(_per_thread, "cleaner", None)
    if cleaner is None:
        cleaner = _per_thread.cleaner = new_cleaner()
    return cleaner


def render_markdown(source: str | None, *, with_toc: bool = False) -> Rendered:
    """Render user Markdown to sanitized HTML (and optionally a sanitized table of contents)."""
    if not source:
        return Rendered("")
    if not isinstance(source, str):
        source = str(source)
    source = source.replace(LT_PLACEHOLDER, "")
    if not with_toc:
        plain = _plain_paragraphs(source)
        if plain is not None:
            return Rendered(plain)

    body: str
    toc = ""
    try:
        md = _markdown()
        body = md.convert(source)
        if with_toc and getattr(md, "toc_tokens", None):
            found = _TOC_LIST_RE.search(getattr(md, "toc", ""))
            toc = found.group(0) if found else ""
    except Exception:  # a note must always save; python-markdown can hit recursion limits
        _per_thread.markdown = None
        logger.warning("Markdown rendering failed; storing escaped text", exc_info=True)
        body = _fallback_html(source)

    cleaner = _cleaner()
    try:
        return Rendered(html=cleaner.clean(body), toc_html=cleaner.clean(toc) if toc else "")
    except Exception:
        _per_thread.cleaner = None
        # Sanitizing our own escaped fallback cannot introduce markup, so it is safe as is.
        logger.warning("Sanitizing rendered Markdown failed; storing escaped text", exc_info=True)
        return Rendered(html=_fallback_html(source))
