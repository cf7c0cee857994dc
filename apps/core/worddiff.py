"""A word-level diff of two texts, as HTML with <del> (theirs only) and <ins> (yours only).

Latin words, numbers and runs of spaces are tokens; any other character (Japanese has no
spaces between words) is a token of its own. Long texts fall back to lines, so the diff stays
fast on a 100,000-character main topic.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_TOKEN = re.compile(r"[A-Za-z0-9_]+|\s+|.", re.DOTALL)
TOKEN_LIMIT = 4_000  # beyond this, per-token matching gets slow: compare lines instead


def _tokens(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    if len(tokens) > TOKEN_LIMIT:
        return text.splitlines(keepends=True)
    return tokens


def word_diff(theirs: str, yours: str) -> SafeString:
    a, b = _tokens(theirs or ""), _tokens(yours or "")
    if len(a) > TOKEN_LIMIT or len(b) > TOKEN_LIMIT:  # one side fell back: both by lines
        a, b = (theirs or "").splitlines(keepends=True), (yours or "").splitlines(keepends=True)
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("span", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("ins", "".join(b[j1:j2])))
    return format_html_join("", "<{0}>{1}</{0}>", parts) or format_html("")
