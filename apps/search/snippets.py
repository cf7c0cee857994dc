"""Highlighted titles and snippets, built from escaped text only.

The matched places are found with the same tokens and phrase rules as the index
(:meth:`Phrase.spans`), in the normalized text, then mapped back to the text as written. The
output is assembled from ``escape()``-d slices of user text and our own ``<mark>`` tags, so
`<script>` in a note shows as text with the match marked, never as markup.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.core.tokenizer import Phrase, normalize, tokenize_spans

ELLIPSIS = "…"
_SPACE_RE = re.compile(r"\s+")


def _joins_previous(char: str) -> bool:
    # Combining marks, and the half-width voicing marks (ﾞﾟ) that NFKC turns into combining
    # ones: `ｸﾞ` is one letter `グ` after normalization.
    normalized = unicodedata.normalize("NFKC", char)
    return bool(normalized) and unicodedata.combining(normalized[0]) > 0


def _offset_map(text: str) -> tuple[str, list[int], list[int]]:
    """The normalized text and, for each of its characters, the span it came from in `text`."""
    normalized = normalize(text)
    if len(normalized) == len(text):
        # The common case (kana, kanji, ASCII): one character for one.
        positions = list(range(len(text)))
        return normalized, positions, [p + 1 for p in positions]
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _joins_previous(text[j]):
            j += 1
        piece = normalize(text[i:j])
        pieces.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return "".join(pieces), starts, ends


def _word_boundary(text: str, at: int, step: int, limit: int) -> int:
    """Move `at` to the nearest place between tokens (tokens never span a separator)."""
    for _ in range(limit):
        if at <= 0 or at >= len(text) or not (text[at - 1].isalnum() and text[at].isalnum()):
            return at
        at += step
    return at


def match_spans(
    text: str, phrases: list[Phrase], *, window: int | None = None
) -> list[tuple[int, int]]:
    """Where any of the phrases occurs in `text`, as merged (start, end) offsets into `text`.

    `window`: only look within about that many characters from the first candidate (enough
    for a snippet; a long deep-dive section is not tokenized whole for 160 characters).
    """
    if not text or not phrases:
        return []
    normalized, starts, ends = _offset_map(text)
    # Cheap rejection: a phrase's first token is a substring of any text it occurs in.
    candidates = [(normalized.find(p.tokens[0]), p) for p in phrases]
    phrases = [p for at, p in candidates if at >= 0]
    if not phrases:
        return []
    lo, hi = 0, len(normalized)
    if window is not None:
        first = min(at for at, _p in candidates if at >= 0)
        lo = _word_boundary(normalized, max(0, first - 40), -1, 200)
        hi = _word_boundary(normalized, min(len(normalized), first + window), 1, 200)
    tokens = tokenize_spans(normalized[lo:hi])
    found = []
    for phrase in phrases:
        for start, end in phrase.spans(tokens):
            found.append((starts[lo + start], ends[lo + end - 1]))
    if not found and (lo, hi) != (0, len(normalized)):
        return match_spans(text, phrases)  # the first candidate was no match: look everywhere
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]], lo: int, hi: int) -> str:
    parts: list[str] = []
    at = lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        parts.append(escape(_SPACE_RE.sub(" ", text[at:start])))
        parts.append("<mark>" + escape(_SPACE_RE.sub(" ", text[start:end])) + "</mark>")
        at = end
    parts.append(escape(_SPACE_RE.sub(" ", text[at:hi])))
    return "".join(parts)


def highlight(text: str, phrases: list[Phrase]) -> SafeString:
    """The whole text (a title), escaped, with every match in <mark>."""
    return mark_safe(
        _render(text, match_spans(text, phrases), 0, len(text))
    )  # built from escaped parts only


def snippet(
    text: str,
    phrases: list[Phrase],
    *,
    spans: list[tuple[int, int]] | None = None,
    width: int = 160,
    before: int = 40,
) -> SafeString:
    """About `width` characters of `text` around its first match (or its start), escaped.

    `spans`: the matches, if the caller has already looked for them (:func:`match_spans`).
    """
    if not text.strip():
        return mark_safe("")
    if spans is None:
        spans = match_spans(text, phrases)
    lo = max(0, spans[0][0] - before) if spans else len(text) - len(text.lstrip())
    hi = min(len(text), lo + width)
    if hi - lo < width:
        lo = max(0, hi - width)
    html = _render(text, spans, lo, hi)
    html = html.strip()
    if text[:lo].strip():
        html = ELLIPSIS + html
    if text[hi:].strip():
        html = html + ELLIPSIS
    return mark_safe(html)  # built from escaped parts only


def plain(html: str) -> str:
    """A snippet for a terminal: <mark> as 【】, entities back to characters."""
    import html as html_module

    text = html.replace("<mark>", "【").replace("</mark>", "】")
    return html_module.unescape(text)
