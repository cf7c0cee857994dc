"""The old notes format's vocabulary, shared by both parsers and the Markdown exporter.

A parser reads :class:`Line`s: the reader (notes_format.py) splits the export into blocks, and
each variant's converter (plain_notes.py, markdown_notes.py) turns a block's lines into Markdown.

See README.md, "Import and export", for the format itself.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

# Tag as written → Topic.Kind value. Tags are case-insensitive.
KIND_TAGS: dict[str, str] = {
    "論文": "paper",
    "paper": "paper",
    "blog": "blog",
    "ブログ": "blog",
    "oss": "oss",
}
# Topic.Kind value → the tag the group writes (not the translatable UI label).
EXPORT_TAGS: dict[str, str] = {"paper": "論文", "blog": "blog", "oss": "oss"}

DATE_LINE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+(\S.*))?$")
PRESENTER_RE = re.compile(r"^[@＠](\S.*)$")
TOPIC_RE = re.compile(r"^\[(論文|paper|blog|ブログ|oss)\]\s*(\S.*)$", re.IGNORECASE)
MAIN_TOPIC_RE = re.compile(r"^メイン\s*(?:TOPIC|トピック)\s*(?:[:：]\s*(\S.*))?$", re.IGNORECASE)
# `[fr] めちゃ速い`: a handle starts with a letter, so `[1]` citations are not remarks.
REMARK_RE = re.compile(r"^\[([A-Za-z][A-Za-z0-9_.-]{0,31})\]\s*(\S.*)$")
HANDLE_LIKE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
# `#`s in front of a structural line in the Markdown variant (`## @Naoto`, `# 2025-03-28 …`).
HEADING_MARKS_RE = re.compile(r"^#{1,6}[ \t]+")
# A fenced code block starts or ends: inside one, nothing is structure or a remark.
FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")

_PAREN_RE = re.compile(r"^(.+?)\s*[(（]([^()（）]+)[)）]$")
_LINKED_TITLE_RE = re.compile(r"^\[(?P<text>(?:\\.|[^\\\]])+)\]\((?P<url><[^<>\n]+>|\S+?)\)$")
_TRAILING_URL_RE = re.compile(r"^(?P<text>.*\S)\s+(?P<url>https?://\S+)$")
_BARE_URL_RE = re.compile(r"^https?://\S+$")
_MARKDOWN_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|$])")
# A list marker in front of a line's text, to look at what the item says.
ITEM_PREFIX_RE = re.compile(r"^\s*(?:[-*+•・]|\d{1,9}[.)])\s+")
# A list item of the plain-text export: indentation, marker, text. `•` is the old page's
# bullet; `・`, `-`, `*`, `+` and `1.` / `1)` are what people type.
ITEM_RE = re.compile(r"^( *)(•|・|[-*+](?= )|\d{1,9}[.)](?= ))\s*(\S.*)$")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as an editor shows it
    text: str


def trim_lines(lines: list[Line]) -> list[Line]:
    """Without the blank lines at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start].text:
        start += 1
    while end > start and not lines[end - 1].text:
        end -= 1
    return lines[start:end]


def normalize_name(value: str) -> str:
    """NFKC and single spaces: `Ｎａｏｔｏ　Shimakoshi` is `Naoto Shimakoshi`."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def name_key(value: str) -> str:
    """What two spellings of one name (or title) have in common."""
    return normalize_name(value).casefold()


def remark_in(text: str) -> tuple[str, str] | None:
    """(handle, body) when `text` is a remark such as `[fr] めちゃ速い`, else None."""
    match = REMARK_RE.match(text)
    if match is None or match.group(1).lower() in KIND_TAGS:
        return None
    return match.group(1).lower(), match.group(2).strip()


def split_presenter(raw: str) -> tuple[str, str]:
    """`Takumi Iida (frkake)` → ("Takumi Iida", "frkake"); handle is "" when none is written.

    The sample also writes it the other way round, `@qluto (Ryosuke Fukazawa)`: when only the
    part outside the parentheses can be a handle, that part is the handle.
    """
    raw = normalize_name(raw)
    match = _PAREN_RE.match(raw)
    if match:
        outer, inner = match.group(1).strip(), match.group(2).strip()
        if HANDLE_LIKE_RE.match(inner):
            return outer, inner.lower()
        if HANDLE_LIKE_RE.match(outer):
            return inner, outer.lower()
    return raw, ""


def derive_handle(display_name: str) -> str:
    """A stable handle for a member whose export line names no handle.

    Latin names become an ASCII slug (`Naoto Shimakoshi` → `naoto-shimakoshi`, accents dropped);
    anything else (Japanese names) becomes `m-` and 8 hex digits of a hash of the name, so the
    same name gets the same handle on every import, in every database.
    """
    name = normalize_name(display_name)
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if folded.isascii():
        slug = "-".join(re.findall(r"[a-z0-9]+", folded.lower()))[:32].strip("-")
        if slug:
            return slug
    return "m-" + hashlib.sha256(name.casefold().encode()).hexdigest()[:8]


def split_title(raw: str) -> tuple[str, str]:
    """A topic title as written → (title, url). `[Title](https://…)` keeps its URL; a bare URL
    is a topic whose title comes from its link later."""
    raw = raw.strip()
    if _BARE_URL_RE.match(raw):
        return "", raw
    match = _LINKED_TITLE_RE.match(raw)
    if match:
        url = match.group("url").removeprefix("<").removesuffix(">").strip()
        return _MARKDOWN_ESCAPE_RE.sub(r"\1", match.group("text")).strip(), url
    match = _TRAILING_URL_RE.match(raw)
    if match:
        return match.group("text"), match.group("url")
    return raw, ""


def linked_title(title: str, url: str) -> str:
    """The inverse of :func:`split_title`."""
    if not url or not title:
        return title or url
    text = title.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    target = f"<{url}>" if re.search(r"[\s()<>]", url) else url
    return f"[{text}]({target})"


def remark_stands_in(handle: str, body: str, text: str) -> bool:
    """Whether `[handle] body` is written inside these notes (as a line or a list item)."""
    first = body.strip().split("\n", 1)[0].strip()
    wanted = f"[{handle}] {first}"
    return any(
        ITEM_PREFIX_RE.sub("", line, count=1).strip() == wanted for line in text.splitlines()
    )
