"""Tags as members write them in their paper notes (``#NLP``, ``#強化学習``,
``#Supervised-FineTuning (SFT)``), reduced to one tag per meaning.

Pure string work. A tag has a ``label`` (what is shown: the first spelling met, tidied) and a
``slug`` (what is compared). The rules:

- The label is the text NFKC-normalised (full-width letters, digits, ``＃`` and spaces become
  ASCII), without leading ``#``, with control and invisible format characters removed (they
  would make two equal-looking tags differ) and runs of whitespace made one space.
- The slug is the label case-folded with only letters, digits and combining marks kept, so
  ``#NLP``, ``＃ｎｌｐ`` and ``nlp`` are one tag, and so are ``Supervised-FineTuning``,
  ``Supervised Fine-Tuning`` and ``SupervisedFineTuning``. ``+`` and ``#`` inside a tag are
  spelled ``plus`` and ``sharp``, so ``C++``, ``C#`` and ``C`` stay three tags, and ``LoRA+``
  is not ``LoRA``.
- A trailing parenthesised abbreviation, ``X (ABBR)``, names the same tag twice: the label is
  ``X (ABBR)``, the slug comes from ``X`` alone, and the abbreviation's slug is an alias
  (``Tag.aliases``, ``tag_aliases``), so a later ``SFT`` can be resolved to it. ABBR counts as an
  abbreviation when it is one word of at most 15 characters with at least two letters, more
  than half of them capitals: ``SFT``, ``RLHF``, ``MoE``, ``LoRA`` are; ``survey``, ``OpenAI``,
  ``R1`` are not, and ``Transformer (survey)`` is one plain tag.
- A label longer than 100 characters, or one with no letter or digit at all, is no tag: the
  result says why, and no exception escapes for anything a member types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

LABEL_MAX_LENGTH = 100
# For a slug column: "+" and "#" grow into words and case folding may add a character or two,
# but no character of a label grows beyond five in its slug.
SLUG_MAX_LENGTH = 5 * LABEL_MAX_LENGTH

_ABBREVIATED = re.compile(r"(?P<name>.*?\S)\s*\((?P<abbr>[^()\s]{2,15})\)")
_SLUG_SPELLINGS = {"+": "plus", "#": "sharp"}
# Between tags in a form field: whitespace, commas and the Japanese comma (after NFKC,
# full-width "，" is ","; half-width "､" is "、").
_LIST_SEPARATOR = re.compile(r"[,、\s]+")
# "#NLP#LLM" is two hashtags run together, but "C#" and "F#" are names.
_RUN_TOGETHER = re.compile(r"(?<=[^#])#(?=\w)")


class TagProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


@dataclass(frozen=True)
class Tag:
    slug: str
    label: str

    @property
    def aliases(self) -> frozenset[str]:
        """Every slug that names this tag: its own, and its abbreviation's if it has one."""
        return _aliases(self.label)


@dataclass(frozen=True)
class TagCheck:
    """What one typed tag became: a tag, or the problem that kept it from being one."""

    raw: str
    tag: Tag | None
    problem: TagProblem | None = None

    @property
    def message(self) -> str:
        if self.problem is TagProblem.EMPTY:
            return _("タグには文字か数字を含めてください。")
        if self.problem is TagProblem.TOO_LONG:
            return _("タグは%(max)d文字以内にしてください。") % {"max": LABEL_MAX_LENGTH}
        return ""


@dataclass(frozen=True)
class TagList:
    tags: list[Tag] = field(default_factory=list)
    rejected: list[TagCheck] = field(default_factory=list)


def check_tag(raw: str) -> TagCheck:
    """One typed tag, checked: ``TagCheck.tag`` is None and ``problem`` says why if invalid."""
    label = _label(raw if isinstance(raw, str) else "")
    if len(label) > LABEL_MAX_LENGTH:
        return TagCheck(raw, None, TagProblem.TOO_LONG)
    name, abbreviation = _abbreviated(label)
    slug = _slug(name)
    if not slug:
        return TagCheck(raw, None, TagProblem.EMPTY)
    if abbreviation:
        label = f"{name} ({abbreviation})"  # "X(SFT)" and "X (SFT)" are shown alike
        if len(label) > LABEL_MAX_LENGTH:
            return TagCheck(raw, None, TagProblem.TOO_LONG)
    return TagCheck(raw, Tag(slug=slug, label=label))


def normalize_tag(raw: str) -> Tag | None:
    """The tag ``raw`` names, or None if it is not a valid tag (``check_tag`` says why)."""
    return check_tag(raw).tag


def tag_aliases(raw: str) -> set[str]:
    """The slugs that resolve to the tag ``raw`` names (its own among them); empty if invalid."""
    tag = normalize_tag(raw)
    return set(tag.aliases) if tag else set()


def read_tag_list(text: str) -> TagList:
    """The tags of a form field, unique and in order, and the entries that were no tag.

    Tags are separated by whitespace, commas, ``、`` or newlines; ``#`` is optional. A
    parenthesised group stays with the word before it (``Supervised-FineTuning (SFT)``). Two
    entries naming one tag (``nlp`` and ``#NLP``, ``SFT`` and ``Supervised-FineTuning (SFT)``)
    are kept once, where the first stood, with the abbreviated spelling if either has it.
    """
    tags: list[Tag] = []
    rejected: list[TagCheck] = []
    for entry in _entries(text if isinstance(text, str) else ""):
        check = check_tag(entry)
        if check.tag is None:
            if entry.strip("#"):
                rejected.append(check)  # a stray "#" is no mistake worth a message
            continue
        _merge(tags, check.tag)
    return TagList(tags=tags, rejected=rejected)


def parse_tag_list(text: str) -> list[Tag]:
    """The unique tags of a form field, in order; entries that are no tag are left out."""
    return read_tag_list(text).tags


# --- normalising ---------------------------------------------------------------------------


def _label(raw: str) -> str:
    text = "".join(_visible(ch) for ch in unicodedata.normalize("NFKC", raw))
    return " ".join(text.strip().lstrip("#").split())


def _visible(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cc":
        return " "  # NUL, tabs, newlines: a break between words, never part of one
    if category in ("Cf", "Cs", "Co", "Cn"):
        return ""  # zero-width spaces, bidi overrides, lone surrogates, unassigned code points
    return ch


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text.casefold())
    return "".join(_slug_char(ch) for ch in folded)


def _slug_char(ch: str) -> str:
    if ch.isalnum() or unicodedata.category(ch).startswith("M"):
        return ch  # combining marks carry meaning in Devanagari, Thai, Hangul jamo, …
    return _SLUG_SPELLINGS.get(ch, "")


def _abbreviated(label: str) -> tuple[str, str]:
    """``("Supervised-FineTuning", "SFT")`` for ``"Supervised-FineTuning (SFT)"``;
    ``(label, "")`` when the label ends in no abbreviation."""
    match = _ABBREVIATED.fullmatch(label)
    if match is None or not _slug(match["name"]):
        return label, ""
    letters = [ch for ch in match["abbr"] if ch.isalpha()]
    capitals = sum(ch.isupper() for ch in letters)
    if capitals < 2 or capitals * 2 <= len(letters):
        return label, ""
    return match["name"], match["abbr"]


def _aliases(label: str) -> frozenset[str]:
    name, abbreviation = _abbreviated(label)
    return frozenset(slug for slug in (_slug(name), _slug(abbreviation)) if slug)


# --- lists ---------------------------------------------------------------------------------


def _entries(text: str) -> list[str]:
    words = [
        part
        for word in _LIST_SEPARATOR.split(unicodedata.normalize("NFKC", text))
        for part in _RUN_TOGETHER.split(word)
        if part
    ]
    entries: list[str] = []
    open_group = False
    for word in words:
        if open_group or (word.startswith("(") and entries):
            entries[-1] = f"{entries[-1]} {word}"
        else:
            entries.append(word)
        if word.startswith("(") or open_group:
            open_group = ")" not in word
    return entries


def _merge(tags: list[Tag], new: Tag) -> None:
    same = [i for i, tag in enumerate(tags) if tag.aliases & new.aliases]
    if not same:
        tags.append(new)
        return
    kept = next((tags[i] for i in same if len(tags[i].aliases) > 1), tags[same[0]])
    if len(kept.aliases) == 1 and len(new.aliases) > 1:
        kept = new
    tags[same[0]] = kept
    for i in reversed(same[1:]):
        del tags[i]
