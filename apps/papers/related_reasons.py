"""Why two papers are related, as short strings for the UI.

The scorer matches Japanese by bigrams, but `化学` is a poor way to say that two papers both
discuss `強化学習`: a shared bigram is widened to the longest stretch of kanji and katakana
around it that both papers' texts contain. Hiragana ends a word here
(`強化学習における` → `強化学習`), and a bigram with hiragana in it (`した`, `の性`) is grammar,
not a reason. Latin tokens are words already.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from apps.core.tokenizer import is_cjk

# Kanji (with 々〆〇 and the extensions), katakana and the prolonged sound mark ー.
_WORD_CHARS = (
    "\u3005-\u3007\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_RUN = re.compile(f"[{_WORD_CHARS}]{{2,}}")
_ALL_WORD_CHARS = re.compile(f"[{_WORD_CHARS}]+")
# A display word longer than this is a whole phrase copied between notes, not a word.
MAX_WORD_CHARS = 16
# Runs of the first paper tried per token: the first may be one the other paper lacks
# (`直接学習` beside `強化学習`).
MAX_RUNS_TRIED = 4


def kanji_katakana_runs(normalized_text: str) -> str:
    """The distinct runs of two or more kanji/katakana in a normalized text, one per line:
    looking a token up in one string is a C-speed ``find``."""
    return "\n".join(dict.fromkeys(_RUN.findall(normalized_text)))


def _widen(token: str, run: str, start: int, text_b: str) -> str:
    end = start + len(token)
    while end - start < MAX_WORD_CHARS and start > 0 and run[start - 1 : end] in text_b:
        start -= 1
    while end - start < MAX_WORD_CHARS and end < len(run) and run[start : end + 1] in text_b:
        end += 1
    return run[start:end]


def display_word(token: str, runs_a: str, text_b: str) -> str | None:
    """The word to show for a shared token, or None if it is not worth showing.

    ``runs_a`` are the kanji/katakana runs of the paper whose list this is
    (:func:`kanji_katakana_runs`), ``text_b`` the other paper's normalized text.
    """
    if not is_cjk(token):
        return token
    if not _ALL_WORD_CHARS.fullmatch(token):
        return None
    best = token
    at = runs_a.find(token)
    for _ in range(MAX_RUNS_TRIED):
        if at < 0:
            break
        start = runs_a.rfind("\n", 0, at) + 1
        end = runs_a.find("\n", at)
        end = len(runs_a) if end < 0 else end
        word = _widen(token, runs_a[start:end], at - start, text_b)
        if len(word) > len(best):
            best = word
        at = runs_a.find(token, end)
    return best


def pair_reasons(
    *,
    tags: Iterable[str],
    tokens: Iterable[str],
    categories: Iterable[str],
    runs_a: str,
    text_b: str,
    limit: int,
    max_words: int = 3,
) -> tuple[str, ...]:
    """Tags first (people chose them), then words, then categories; each already ordered by how
    much it counted."""
    reasons = list(tags)[:limit]
    words: list[str] = []
    for token in tokens:
        if len(words) >= max_words or len(reasons) + len(words) >= limit:
            break
        word = display_word(token, runs_a, text_b)
        # `強化` and `学習` both widen to `強化学習`: show it once.
        if word is None or any(word in seen or seen in word for seen in words):
            continue
        words.append(word)
    reasons.extend(words)
    reasons.extend(list(categories)[: max(0, limit - len(reasons))])
    return tuple(reasons)
