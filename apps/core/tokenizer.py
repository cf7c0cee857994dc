"""Text → search tokens: the one tokenizer behind both backends, documents and queries alike.

PostgreSQL's parsers keep a run of Japanese as one token and FTS5's trigram tokenizer cannot
find 1–2 character words, so the app tokenizes by itself (see DESIGN.md):

- NFKC, then lower case: `ＬＬＭ` → `llm`, half-width `ｽｹｰﾘﾝｸﾞ` → `スケーリング`;
- a run of CJK characters (kanji, kana, hangul) → its overlapping bigrams plus its last character
  alone: `強化学習` → `強化 化学 学習 習`; a run of one character → itself;
- a run of other letters/digits → one word: `gpt-4o` → `gpt 4o`;
- everything else (spaces, punctuation, symbols, emoji) separates tokens and is dropped.

The trailing single character lets a one-character query match at the end of a run (`習`) and
keeps positions right when a run is followed by a word (`強化LLM` → `強化 化 llm` in both the
document and the query, so the phrase still lines up).

Besides the tokens, an entry has lookup tokens (:func:`lookup_tokens`), looked up but never
matched as phrases: its distinct CJK characters (a one-character query is an exact lookup) and
its script joins, a word and the CJK character next to it as one token (`LLMの推論` → `llmの`).
A join is only a narrower way in: `llmの` is in every entry where `LLMの推論` occurs, and in few
others, whereas `llm`, `の推` and `推論` are each in thousands.

A query word becomes a phrase of these tokens (adjacent positions), so a Japanese query matches
exactly where the text contains it as a substring; see :func:`phrase`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

# Kana, kanji (with extensions and compatibility forms), hangul, and the CJK letters 々〆〇.
# The katakana middle dot ・ (U+30FB) is punctuation and deliberately left out.
_CJK = (
    "\u3005-\u3007"
    "\u3041-\u3096\u309d-\u309f"
    "\u30a1-\u30fa\u30fc-\u30ff"
    "\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3"
    "\U00020000-\U0003134f"
)
_TOKEN_RE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>(?:(?![{_CJK}])[^\W_])+)")
_CJK_CHAR_RE = re.compile(rf"[{_CJK}]")

# Longer words are cut (the same way in documents and queries, so they still match): PostgreSQL
# refuses lexemes over 2 KB and nobody types a 64-letter word to find it.
MAX_WORD_CHARS = 64
# Per field. PostgreSQL clamps positions at 16383, which would break phrase matching further on;
# deep dives are indexed section by section, so only a pathological note reaches this.
MAX_FIELD_TOKENS = 16_000


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def is_cjk(token: str) -> bool:
    return bool(_CJK_CHAR_RE.match(token))


class Token(NamedTuple):
    # A tuple, not a frozen dataclass: a page of hits makes thousands of these for its snippets.
    text: str
    start: int  # offsets into the normalized text
    end: int


def tokenize(text: str, *, normalized: bool = False) -> list[str]:
    """The tokens of a document field or of a query word, in order."""
    if not normalized:
        text = normalize(text)
    out: list[str] = []
    for match in _TOKEN_RE.finditer(text):
        run = match.group("cjk")
        if run is None:
            out.append(match.group()[:MAX_WORD_CHARS])
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend([run[i : i + 2] for i in range(len(run) - 1)])
            out.append(run[-1])
    return out


def tokenize_spans(normalized_text: str) -> list[Token]:
    """Like :func:`tokenize`, with the offsets each token covers (for highlighting)."""
    out: list[Token] = []
    for match in _TOKEN_RE.finditer(normalized_text):
        start, end = match.span()
        run = match.group("cjk")
        if run is None:
            out.append(Token(match.group()[:MAX_WORD_CHARS], start, end))
        elif len(run) == 1:
            out.append(Token(run, start, end))
        else:
            out.extend(
                [Token(run[i : i + 2], start + i, start + i + 2) for i in range(len(run) - 1)]
            )
            out.append(Token(run[-1], end - 1, end))
    return out


def script_joins(tokens: list[str] | tuple[str, ...]) -> list[str]:
    """Where a word and a CJK run meet in a token sequence, the word with the run's first
    character (`llm`, `の推` → `llmの`) or the run's last character with the word (`論`,
    `llm` → `論llm`). Separators between them do not matter, as for phrases."""
    joins = []
    for left, right in pairwise(tokens):
        cjk_left, cjk_right = is_cjk(left), is_cjk(right)
        if cjk_right and not cjk_left:
            joins.append(left + right[0])
        elif cjk_left and not cjk_right:
            joins.append(left[-1] + right)
    return joins


def field_token_list(text: str) -> list[str]:
    """The tokens the index keeps for one field (a pathological field is cut)."""
    return tokenize(text)[:MAX_FIELD_TOKENS]


def lookup_tokens(fields: list[list[str]]) -> str:
    """An entry's lookup tokens (see the module docstring) from its fields' token lists."""
    found: set[str] = set()
    for tokens in fields:
        for token in tokens:
            if is_cjk(token):
                found.update(token)
        found.update(script_joins(tokens))
    return " ".join(sorted(found))


@dataclass(frozen=True, slots=True)
class Phrase:
    """A query word or quoted phrase as adjacent tokens; the last one may be a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def single_character(self) -> str | None:
        """`学` alone: matches wherever the character occurs (see :func:`lookup_tokens`)."""
        if self.prefix and len(self.tokens) == 1 and len(self.tokens[0]) == 1:
            return self.tokens[0]
        return None

    def matches_at(self, doc: list[Token], i: int) -> bool:
        n = len(self.tokens)
        if i + n > len(doc):
            return False
        for k, token in enumerate(self.tokens):
            text = doc[i + k].text
            if k == n - 1 and self.prefix:
                if not text.startswith(token):
                    return False
            elif text != token:
                return False
        return True

    def spans(self, doc: list[Token]) -> list[tuple[int, int]]:
        """Where this phrase occurs in a tokenized text, as normalized-text offsets."""
        found = []
        n = len(self.tokens)
        first, starts_only = self.tokens[0], self.prefix and n == 1
        for i in range(len(doc) - n + 1):
            # Most positions fail on the first token: test it inline (this runs per hit shown).
            text = doc[i].text
            if (not text.startswith(first)) if starts_only else text != first:
                continue
            if self.matches_at(doc, i):
                last = doc[i + n - 1]
                # A one-character prefix marks that character only, not the whole bigram.
                end = last.start + len(self.tokens[-1]) if self.prefix else last.end
                found.append((doc[i].start, end))
        return found


def phrase(text: str) -> Phrase | None:
    """The phrase a query word stands for, or None if it has nothing searchable (`!!`, `🎉`)."""
    normalized = normalize(text)
    spans = tokenize_spans(normalized)
    if not spans:
        return None
    tokens = [t.text for t in spans]
    last = spans[-1]
    run_start = last.start
    while run_start > 0 and _CJK_CHAR_RE.match(normalized[run_start - 1]):
        run_start -= 1
    if is_cjk(last.text) and last.end - run_start == 1:
        # A lone character at the end may begin a longer run in the text: `学` → `学習`.
        return Phrase(tuple(tokens), prefix=True)
    if is_cjk(last.text):
        # The run's trailing single character adds nothing at the very end of a phrase: the
        # bigram before it already covers it (and the text's run may go on: `強化学` in `強化学習`).
        tokens = tokens[:-1]
    return Phrase(tuple(tokens))
