"""Math: keep TeX out of Markdown's hands.

`$…$` and one-line `$$…$$` become `<span class="math">`, `$$` … `$$` on lines of their own a
`<div class="math">`; the TeX inside is escaped and kept with its delimiters, so it reads as
written instead of losing its `_` and `*` to emphasis.
"""

from __future__ import annotations

import html
import re

from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from .sanitize import MATH_CLASS

# Pandoc's rules for inline `$`: no space just inside the delimiters and no digit right after the
# closing one, so "$5 and $10" stays money. `\$` is a literal dollar.
INLINE_MATH_RE = (
    r"(?<![\\$])\$\$(?!\$)(?:\\.|[^\\$])+?\$\$(?!\$)"
    r"|(?<![\\$])\$(?![\s$])(?:\\.|[^\\$])+?(?<!\s)\$(?![$\d])"
)


def _math_html(tag: str, tex: str) -> str:
    return f'<{tag} class="{MATH_CLASS}">{html.escape(tex, quote=False)}</{tag}>'


class InlineMathProcessor(InlineProcessor):
    """`$…$` / one-line `$$…$$` inside text → stashed `<span class="math">`, delimiters kept."""

    # InlineProcessor changes the signature of Pattern.handleMatch (an extra `data` argument and
    # a tuple result); python-markdown calls each kind with its own, as its stubs acknowledge.
    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str | None, int | None, int | None]:
        tex = m.group(0)
        if "\x02" in tex or "\x03" in tex:
            # Spans another stashed construct (e.g. a code span): leave it to Markdown.
            return None, None, None
        return self.md.htmlStash.store(_math_html("span", tex)), m.start(0), m.end(0)


class BlockMathPreprocessor(Preprocessor):
    """`$$` … `$$` on their own lines → stashed `<div class="math">`, kept verbatim."""

    def run(self, lines: list[str]) -> list[str]:
        # next_stop[j]: first line at or after j that closes a block ($$ at its end) or is a
        # stashed fenced code block (never swallowed). Precomputed so that many unclosed `$$`
        # lines cost O(n), not O(n²).
        next_stop: list[int | None] = [None] * (len(lines) + 1)
        for j in range(len(lines) - 1, -1, -1):
            stops = "\x02" in lines[j] or lines[j].rstrip().endswith("$$")
            next_stop[j] = j if stops else next_stop[j + 1]

        out: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            end = self._block_end(lines, i, next_stop[i + 1])
            if end is None:
                out.append(line)
                i += 1
                continue
            indent = line[: len(line) - len(line.lstrip(" "))]
            tex = "\n".join(raw.strip() for raw in lines[i : end + 1])
            # Blank lines around it: a <div> must not end up inside a <p>.
            out.extend(["", indent + self.md.htmlStash.store(_math_html("div", tex)), ""])
            i = end + 1
        return out

    @staticmethod
    def _block_end(lines: list[str], start: int, next_stop: int | None) -> int | None:
        first = lines[start].strip()
        if not first.startswith("$$"):
            return None
        if len(first) > 4 and first.endswith("$$"):
            # One line `$$…$$`; `$$a$$ and $$b$$` is two inline spans, not a block.
            return start if "$$" not in first[2:-2] else None
        if next_stop is None or "\x02" in lines[next_stop]:
            return None
        return next_stop
