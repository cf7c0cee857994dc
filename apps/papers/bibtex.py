"""BibTeX for the papers in the library, readable by both bibtex and biber.

Pure string work. Text is escaped for BibTeX's rules, which are not LaTeX's: BibTeX matches
braces without regard to backslashes, so a literal brace is written ``{\\textbraceleft}``
(``\\{`` would unbalance the entry). Math in a title (``$x^2$``) is kept as math when its
dollars and braces pair up. Words whose capitals a style must not lower-case (``BERT``,
``LoRA``, ``GPT-4o``) are braced; ordinary capitalised words are left for the style to case.
Non-ASCII text stays UTF-8: biber reads it so, and bibtex passes it through.

Citation keys are ``lastname2025firstword`` in ASCII (``Müller`` → ``muller``); an entry
whose first author has no Latin spelling is keyed by its arXiv id (``arxiv2503_08026``) or,
failing that, by a hash of what it cites. In one document, a key met again gets ``a``,
``b``, … appended; keys are compared ignoring case, as bibtex does.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from apps.links.canonical import normalize_arxiv_id
from apps.papers.identity import normalize_doi

ENCODING_LINE = "% encoding: UTF-8"
ENTRY_TYPES = frozenset({"article", "inproceedings", "misc"})
# Names other sources give the same types (Crossref, CSL).
_TYPE_SYNONYMS = {
    "journal-article": "article",
    "conference": "inproceedings",
    "proceedings-article": "inproceedings",
    "paper-conference": "inproceedings",
    "posted-content": "misc",
    "preprint": "misc",
}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_KEY_MAX = 64

_ESCAPES = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_SPECIAL = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
# Pandoc's rule for inline math, so "costs $5 and $10" stays text: no space inside either
# dollar, and no digit right after the closing one.
_MATH = re.compile(r"\$(?=[^\s$])(?P<tex>[^$]*?[^\s$\\])\$(?!\d)")
_MATH_ESCAPE = re.compile(r"(?<!\\)([%&#])")  # a comment or an alignment tab, even in math
_WORD = re.compile(r"\S+")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
_PRIMARY_CLASS = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z-]+)?")
_KEY_HINT_CHARS = re.compile(r"[^A-Za-z0-9_.:-]+")
_TRUNCATION_MARKS = frozenset({"others", "et al", "et al.", "..."})
_AND = re.compile(r"\band\b", re.IGNORECASE)
_TITLE_STOP_WORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "is", "are", "do"}
)
# Letters NFKD does not take apart into an ASCII letter and an accent.
_ASCII_SPELLINGS = str.maketrans(
    {
        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
        "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ı": "i",
        "ħ": "h", "Ħ": "H",
    }
)  # fmt: skip


@dataclass(frozen=True)
class BibEntry:
    """What is known of one paper; every field may be empty.

    ``authors`` as the notes give them: "Hao Peng+" (the list was cut after this author)
    and a last entry "others" both make the author field end in ``and others``.
    ``venue`` is where it appeared when it is not known whether that is a journal or a
    conference ("EMNLP'25"); an arXiv "venue" is none. ``entry_type`` is a guess
    (``article``, ``inproceedings``, ``misc`` or a Crossref/CSL type name); a guess the
    other fields cannot support (a conference paper without its conference) is not kept.
    """

    title: str = ""
    authors: Sequence[str] = ()
    authors_truncated: bool = False
    year: int | None = None
    month: int | None = None
    venue: str = ""
    journal: str = ""
    booktitle: str = ""
    arxiv_id: str = ""
    primary_class: str = ""
    doi: str = ""
    url: str = ""
    entry_type: str = ""
    key_hint: str = ""


def bibtex_document(entries: Iterable[BibEntry]) -> str:
    """A .bib file of the entries, in order, each under its own key."""
    entries = list(entries)
    parts = [ENCODING_LINE]
    for entry, key in zip(entries, citation_keys(entries), strict=True):
        parts.append(bibtex_entry(entry, key=key))
    return "\n\n".join(parts) + "\n"


def bibtex_entry(entry: BibEntry, *, key: str | None = None) -> str:
    """One ``@type{key, …}`` entry; ``key`` defaults to ``citation_key(entry)``."""
    kind, fields = _fields(entry)
    lines = [f"@{kind}{{{key or citation_key(entry)},"]
    lines += [f"  {name} = {value}," for name, value in fields]
    if fields:
        lines[-1] = lines[-1].removesuffix(",")
    return "\n".join([*lines, "}"])


def citation_keys(entries: Iterable[BibEntry]) -> list[str]:
    """One key per entry, unique ignoring case; a repeated key gets ``a``, ``b``, …"""
    taken: set[str] = set()
    keys = []
    for entry in entries:
        base = citation_key(entry)
        key, n = base, 0
        while key.casefold() in taken:
            key, n = base + _letters(n), n + 1
        taken.add(key.casefold())
        keys.append(key)
    return keys


def citation_key(entry: BibEntry) -> str:
    """``peng2025verif``: first author's family name, year, first word of the title."""
    hint = _KEY_HINT_CHARS.sub("", _ascii(entry.key_hint))[:_KEY_MAX]
    if hint:
        return hint
    authors, _truncated = _authors(entry)
    family = _key_part(_family_name(authors[0])) if authors else ""
    if family:
        year = str(entry.year) if _valid_year(entry.year) else ""
        return (family + year + _key_part(_first_word(entry.title)))[:_KEY_MAX]
    arxiv_id = normalize_arxiv_id(entry.arxiv_id or "")
    if arxiv_id:
        return "arxiv" + re.sub(r"[^a-z0-9]+", "_", arxiv_id)
    cited = "\n".join([entry.title, *authors, str(entry.year or ""), entry.doi, entry.url])
    return "paper" + hashlib.blake2b(cited.encode(), digest_size=4).hexdigest()


# --- fields --------------------------------------------------------------------------------


def _fields(entry: BibEntry) -> tuple[str, list[tuple[str, str]]]:
    venue = _clean(entry.venue)
    if venue.casefold().startswith("arxiv"):
        venue = ""  # "arXiv'25" in the notes means a preprint, not a venue
    journal = _clean(entry.journal)
    booktitle = _clean(entry.booktitle)
    kind = _entry_type(entry.entry_type, journal=journal, booktitle=booktitle, venue=venue)

    fields: list[tuple[str, str]] = []
    if title := _clean(entry.title):
        fields.append(("title", "{" + _title(title) + "}"))
    authors, truncated = _authors(entry)
    if authors:
        names = [_author(name) for name in authors] + (["others"] if truncated else [])
        fields.append(("author", "{" + " and ".join(names) + "}"))
    if _valid_year(entry.year):
        fields.append(("year", f"{{{entry.year}}}"))
    if isinstance(entry.month, int) and 1 <= entry.month <= 12:
        fields.append(("month", _MONTHS[entry.month - 1]))  # a macro every style defines
    if kind == "article":
        fields.append(("journal", "{" + _escape(journal or venue) + "}"))
    elif kind == "inproceedings":
        fields.append(("booktitle", "{" + _escape(booktitle or venue) + "}"))
    elif venue or booktitle or journal:
        fields.append(("howpublished", "{" + _escape(venue or booktitle or journal) + "}"))
    arxiv_id = normalize_arxiv_id(entry.arxiv_id or "")
    if arxiv_id:
        fields += [("eprint", f"{{{arxiv_id}}}"), ("archivePrefix", "{arXiv}")]
        primary = _clean(entry.primary_class)
        if _PRIMARY_CLASS.fullmatch(primary):
            fields.append(("primaryClass", f"{{{primary}}}"))
    if doi := normalize_doi(entry.doi or ""):
        fields.append(("doi", "{" + _verbatim(doi) + "}"))
    url = _clean(entry.url)
    if not url.lower().startswith(("https://", "http://")):
        url = f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else ""
    if url:
        fields.append(("url", "{" + _verbatim(url) + "}"))
    return kind, fields


def _entry_type(guess: str, *, journal: str, booktitle: str, venue: str) -> str:
    kind = (guess or "").strip().lower()
    kind = _TYPE_SYNONYMS.get(kind, kind)
    if kind == "article" and (journal or venue):
        return kind
    if kind == "inproceedings" and (booktitle or venue):
        return kind
    if kind == "misc":
        return kind
    if journal:
        return "article"
    return "inproceedings" if booktitle or venue else "misc"


def _authors(entry: BibEntry) -> tuple[list[str], bool]:
    names: list[str] = []
    truncated = bool(entry.authors_truncated)
    raw_names = [entry.authors] if isinstance(entry.authors, str) else entry.authors or ()
    for raw in raw_names:
        name = _clean(raw) if isinstance(raw, str) else ""
        if name.endswith("+"):  # "Hao Peng+": the notes' way of writing "Hao Peng et al."
            name, truncated = name.rstrip("+").rstrip(), True
        if name.casefold() in _TRUNCATION_MARKS:
            truncated = True
        elif name:
            names.append(name)
    return names, truncated


def _author(name: str) -> str:
    text = _escape(name)
    # bibtex would split "Google and DeepMind" in two, read "山田 太郎" (family name first)
    # as given name 山田, and refuse a name with more than two commas: one braced group
    # is one name, printed as written.
    if _AND.search(name) or name.count(",") > 2 or (_is_cjk_name(name) and "," not in name):
        return "{" + text + "}"
    return text


def _is_cjk_name(name: str) -> bool:
    return any(
        unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))
        for ch in name
    )


# --- text ----------------------------------------------------------------------------------


def _clean(value: object) -> str:
    """One line of text: control characters dropped, whitespace runs made one space."""
    if not isinstance(value, str):
        return ""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value)
    return " ".join(text.split())


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group(0)], text)


def _verbatim(text: str) -> str:
    """A URL or DOI: read verbatim by biblatex and by ``\\url``, so only what would break
    the entry (braces, backslashes, spaces) is percent-encoded."""
    return "".join(f"%{ord(ch):02X}" if ch in "{}\\ " else ch for ch in text)


def _title(title: str) -> str:
    parts: list[str] = []
    position = 0
    for match in _MATH.finditer(title):
        tex = match["tex"]
        if not _balanced(tex):
            continue  # left as text, where every brace and dollar is escaped
        parts.append(_title_text(title[position : match.start()]))
        # Braced, or a sentence-case style would lower-case the letters of the formula.
        parts.append("{$" + _MATH_ESCAPE.sub(r"\\\1", tex) + "$}")
        position = match.end()
    parts.append(_title_text(title[position:]))
    return "".join(parts)


def _title_text(text: str) -> str:
    return _WORD.sub(lambda m: _title_word(m.group(0)), text)


def _title_word(word: str) -> str:
    """``BERT:`` → ``{BERT}:``; ``Verification`` stays as it is for the style to case."""
    start = next((i for i, ch in enumerate(word) if ch.isalnum()), None)
    if start is None:
        return _escape(word)
    end = max(i for i, ch in enumerate(word) if ch.isalnum()) + 1
    lead, core, trail = word[:start], word[start:end], word[end:]
    if not _keeps_capitals(core):
        return _escape(word)
    return _escape(lead) + "{" + _escape(core) + "}" + _escape(trail)


def _keeps_capitals(word: str) -> bool:
    """A capital after a part's first character (BERT, LoRA, GPT-4o, 2.6B, MetaCLIP), or a
    one-letter capital part (Q-Learning): a style's sentence case would spell it wrong."""
    parts = word.split("-")
    for part in parts:
        core = part.lstrip("([{'\"“‘")
        if any(ch.isupper() for ch in core[1:]):
            return True
        if len(parts) > 1 and len(core) == 1 and core.isupper():
            return True
    return False


def _balanced(tex: str) -> bool:
    depth = 0
    for ch in tex:  # bibtex counts every brace, escaped or not
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


# --- keys ----------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_ASCII_SPELLINGS))
    return "".join(ch for ch in decomposed if ch.isascii())


def _key_part(text: str) -> str:
    return "".join(_ALNUM_RUN.findall(_ascii(text).lower()))


def _family_name(name: str) -> str:
    if "," in name:
        return name.split(",", 1)[0]  # "Peng, Hao"
    words = name.split()
    return words[-1] if words else ""


def _first_word(title: str) -> str:
    """The first word of the title that says something: not math, markup or an article."""
    text = _LATEX_COMMAND.sub(" ", _MATH.sub(" ", _clean(title)))
    for word in _ALNUM_RUN.findall(_ascii(text)):
        if word.lower() not in _TITLE_STOP_WORDS:
            return word[:20]
    return ""


def _valid_year(year: object) -> bool:
    return isinstance(year, int) and not isinstance(year, bool) and 1000 <= year <= 9999


def _letters(n: int) -> str:
    """0 → a, 25 → z, 26 → aa: the suffix of the (n + 2)-th use of a key."""
    suffix = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        suffix = chr(ord("a") + rest) + suffix
    return suffix
