"""Notes in the Markdown variant of the export (`- ` bullets, `#` headings, `[title](url)`).

They are Markdown already, so they are kept as written: only the common indentation goes, and
the main topic's headings move down one level when they start at `#` (the board shows the main
topic's title as the page's section heading). Remarks (`[fr] …`) are found at the start of a
line or of a list item, never inside fenced code.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .syntax import FENCE_RE, ITEM_PREFIX_RE, remark_in

if TYPE_CHECKING:
    from .syntax import Line

_ATX_RE = re.compile(r"^( {0,3})(#{1,6})(?= |$)")


def convert(lines: list[Line], *, headings: bool) -> tuple[str, list[tuple[str, str, int]]]:
    """(Markdown, [(handle, body, line number)]) for one topic's notes or the main topic."""
    margin = min(
        (len(line.text) - len(line.text.lstrip(" ")) for line in lines if line.text), default=0
    )
    texts = [line.text[margin:] for line in lines]
    remarks: list[tuple[str, str, int]] = []
    heading_rows: list[int] = []
    heading_levels: list[int] = []
    in_fence = False
    for row, (line, text) in enumerate(zip(lines, texts, strict=True)):
        if FENCE_RE.match(text):
            in_fence = not in_fence
            continue
        if in_fence or not text:
            continue
        if heading := _ATX_RE.match(text):
            heading_rows.append(row)
            heading_levels.append(len(heading.group(2)))
        found = remark_in(ITEM_PREFIX_RE.sub("", text, count=1).strip())
        if found:
            remarks.append((found[0], found[1], line.number))
    if headings and heading_rows and min(heading_levels) == 1:
        for row, level in zip(heading_rows, heading_levels, strict=True):
            texts[row] = _ATX_RE.sub(r"\1" + "#" * min(level + 1, 6), texts[row], count=1)
    return "\n".join(texts), remarks
