"""The public entry point: source text in, sanitized HTML (and a table of contents) out."""

from __future__ import annotations

import html
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

import bleach
import markdown

from .extension import new_markdown
from .guards import LT_PLACEHOLDER
from .sanitize import new_cleaner

if TYPE_CHECKING:
    from bleach import Cleaner

# Named after the package: which of its modules failed is no concern of whoever reads the log.
logger = logging.getLogger(__package__)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc_html: str = ""


_TOC_LIST_RE = re.compile(r"<ul>.*</ul>", re.DOTALL)

# html5lib (inside bleach) takes each entity as a token of its own and appends it to the text
# so far: 150,000 `&lt;` took seconds. The sanitizer sees these private-use characters instead
# (one token per run of text) and the entities come back afterwards. Entities contain no `<`,
# `>` or quote, so putting them back is inert in text and in attribute values alike.
_ENTITIES = {"&lt;": "\ue000", "&gt;": "\ue001", "&amp;": "\ue002", "&quot;": "\ue003"}
_ENTITY_RE = re.compile("|".join(_ENTITIES))
_ENTITY_BACK = str.maketrans({char: entity for entity, char in _ENTITIES.items()})
# Characters the pipeline uses for its own purposes: removed from what members write.
_RESERVED_CHARS = str.maketrans(dict.fromkeys([LT_PLACEHOLDER, *_ENTITIES.values()]))


def _clean(cleaner: Cleaner, rendered: str) -> str:
    hidden = _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(0)], rendered)
    return cleaner.clean(hidden).translate(_ENTITY_BACK)


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


# Renderings done ahead of a transaction (see render_ahead), by (source, with_toc).
_ahead: ContextVar[dict[tuple[str, bool], Rendered] | None] = ContextVar(
    "markdown_rendered_ahead", default=None
)


class RenderDeadlineExceeded(TimeoutError):
    """render_ahead ran past its deadline (checked between texts, each of which is bounded)."""


@contextmanager
def render_ahead(
    sources: Iterable[tuple[str, bool]], *, deadline: float | None = None
) -> Iterator[None]:
    """Render these (source, with_toc) pairs now; render_markdown inside the block reuses them.

    An importer renders a whole file before it opens its transaction, so the database's write
    lock is held only while rows are written, not while Markdown is parsed. `deadline` is a
    time.monotonic() value; past it RenderDeadlineExceeded is raised (works in any worker pool,
    also where Celery's time limits do not).
    """
    done: dict[tuple[str, bool], Rendered] = {}
    for source, toc in sources:
        if deadline is not None and time.monotonic() > deadline:
            raise RenderDeadlineExceeded
        done[(source, toc)] = render_markdown(source, with_toc=toc)
    token = _ahead.set({**(_ahead.get() or {}), **done})
    try:
        yield
    finally:
        _ahead.reset(token)


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
    ahead = _ahead.get()
    if ahead is not None and (source, with_toc) in ahead:
        return ahead[(source, with_toc)]
    source = source.translate(_RESERVED_CHARS)
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
    except RecursionError:
        # The guards keep nesting shallow; should a shape slip through, one line says so (a
        # traceback of this is thousands of identical lines).
        _per_thread.markdown = None  # failed mid-document: never reused
        logger.warning(
            "Markdown nested too deeply (%s characters); storing escaped text", len(source)
        )
        body = _fallback_html(source)
    except Exception:  # a note must always save
        _per_thread.markdown = None
        logger.warning("Markdown rendering failed; storing escaped text", exc_info=True)
        body = _fallback_html(source)

    cleaner = _cleaner()
    try:
        return Rendered(html=_clean(cleaner, body), toc_html=_clean(cleaner, toc) if toc else "")
    except RecursionError:
        _per_thread.cleaner = None
        logger.warning("HTML nested too deeply (%s characters); storing escaped text", len(source))
        return Rendered(html=_fallback_html(source))
    except Exception:
        _per_thread.cleaner = None
        # Sanitizing our own escaped fallback cannot introduce markup, so it is safe as is.
        logger.warning("Sanitizing rendered Markdown failed; storing escaped text", exc_info=True)
        return Rendered(html=_fallback_html(source))
