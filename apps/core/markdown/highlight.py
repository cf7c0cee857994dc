"""Syntax highlighting of fenced code blocks, at save time, with Pygments.

It runs on the sanitized HTML: a ```` ```python ```` block is `<pre><code class="language-python">`
by then, with its text escaped. The text is highlighted into `<span class="tok-…">` (CSS
classes only, never style attributes, so the CSP holds) and put back. Our own formatter writes
that markup from escaped text, so nothing a member typed becomes markup. Blocks in a language
Pygments does not know, and blocks or documents past the caps, stay plain: highlighting is a
nicety and must not cost the linear-time guarantee of the pipeline.
"""

from __future__ import annotations

import html
import re

from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

BLOCK_MAX_CHARS = 20_000  # one block highlighted at most
DOCUMENT_MAX_CHARS = 60_000  # code highlighted per document at most
TOKEN_CLASS_PREFIX = "tok-"  # noqa: S105 (a CSS class prefix)

# Escaped text holds no "<", so the lazy body stops at this block's own end.
_BLOCK_RE = re.compile(r'<pre><code class="language-([\w+#.-]{1,40})">([^<]*)</code></pre>')
_FORMATTER = HtmlFormatter(nowrap=True, classprefix=TOKEN_CLASS_PREFIX)


def highlight_code_blocks(rendered: str) -> str:
    budget = DOCUMENT_MAX_CHARS

    def one(match: re.Match[str]) -> str:
        nonlocal budget
        language, escaped = match.group(1), match.group(2)
        code = html.unescape(escaped)
        if len(code) > BLOCK_MAX_CHARS or len(code) > budget:
            return match.group(0)
        try:
            lexer = get_lexer_by_name(language.lower())
        except ClassNotFound:
            return match.group(0)
        budget -= len(code)
        body = highlight(code, lexer, _FORMATTER)
        if not code.endswith("\n"):
            body = body.removesuffix("\n")
        return f'<pre class="highlight"><code class="language-{language}">{body}</code></pre>'

    return _BLOCK_RE.sub(one, rendered)
