"""The search box's little language, parsed into a :class:`SearchQuery`.

    RAG バイアス            every word must occur (AND)
    "reflective memory"     a phrase, words next to each other (also 「…」 and 『…』)
    -GAN  -"拡散モデル"      must not occur
    kind:論文  kind:blog    topic kind (paper/論文, blog/ブログ, oss)
    by:fr                   presenter or remark author, by handle (`by:@fr` works too)
    after:2025-01-01        meetings on or after that day (`2025-01`, `2025` work too)
    before:2025-04-01       meetings before that day
    in:remark               only remarks (topic, remark, deepdive, library)
    tag:RLVR                library notes on papers with that tag (`#RLVR`, any case or width)
    https://arxiv.org/abs/… topics and deep dives about that URL (same paper in any form)

A filter may be negated (`-kind:blog`). Repeating a filter means "any of these".

Nothing the user types ever reaches SQL or FTS syntax: words become token phrases
(:mod:`apps.core.tokenizer`), filters become ORM lookups. Whatever cannot be used is dropped
with a message that says so; parsing never fails.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from apps.core.tokenizer import Phrase, normalize, phrase
from apps.papers.tags import normalize_tag

from .urlkeys import url_key

# A request may carry anything; beyond this the rest is ignored (with a message).
MAX_QUERY_CHARS = 500
MAX_TERMS = 10
MAX_PHRASE_TOKENS = 32

KINDS = {
    "paper": "paper", "papers": "paper", "論文": "paper",
    "blog": "blog", "blogs": "blog", "ブログ": "blog",
    "oss": "oss",
}  # fmt: skip
SOURCES = {
    "topic": "topic", "topics": "topic", "トピック": "topic",
    "remark": "remark", "remarks": "remark", "comment": "remark", "コメント": "remark",
    "deepdive": "deepdive", "deep-dive": "deepdive", "main": "deepdive", "メイン": "deepdive",
    "メインtopic": "deepdive",
    "library": "library", "ライブラリ": "library", "note": "library", "notes": "library",
    "ノート": "library",
}  # fmt: skip
FILTER_NAMES = ("kind", "by", "after", "before", "in", "tag")

_QUOTES = {'"': '"', "「": "」", "『": "』"}
_FILTER_NAME_RE = re.compile(r"[a-z]{1,20}")
_URL_RE = re.compile(r"https?://", re.IGNORECASE)
_DATE_RE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")


@dataclass(frozen=True)
class Term:
    text: str  # as typed (NFKC), for messages
    phrase: Phrase
    quoted: bool = False


@dataclass
class SearchQuery:
    raw: str = ""
    terms: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    not_kinds: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    not_handles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    not_sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # tag slugs (apps.papers.tags)
    not_tags: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # url keys of pasted source URLs
    after: dt.date | None = None
    before: dt.date | None = None
    messages: list[str] = field(default_factory=list)
    # The filters as typed, in order, to add or remove one for the facet links.
    filter_parts: list[tuple[str, str, str]] = field(default_factory=list)  # (raw, name, value)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.kinds or self.not_kinds or self.handles or self.not_handles
            or self.sources or self.not_sources or self.urls or self.after or self.before
            or self.tags or self.not_tags
        )  # fmt: skip

    @property
    def is_empty(self) -> bool:
        """Nothing to search for: no word and no filter (a lone `-word` still needs one of them)."""
        return not (self.terms or self.has_filters)

    def has_filter(self, name: str, value: str) -> bool:
        return any(n == name and v == value for _raw, n, v in self.filter_parts)

    def toggled(self, name: str, value: str) -> str:
        """The query string with this filter added, or removed if it is already there."""
        present = [raw for raw, n, v in self.filter_parts if (n, v) == (name, value)]
        if present:
            return _strip_parts(self.raw, present)
        return f"{self.raw} {name}:{value}".strip()

    def year_span(self) -> int | None:
        """The year that `after:` and `before:` select exactly, if they do (the year facet)."""
        after, before = self.after, self.before
        if (
            after
            and before
            and after == dt.date(after.year, 1, 1) == before.replace(year=after.year)
        ):
            return after.year if before.year == after.year + 1 else None
        return None

    def toggled_year(self, year: int) -> str:
        """The query string restricted to one year, or without the year if it is the current one."""
        dates = [raw for raw, n, _v in self.filter_parts if n in ("after", "before")]
        rest = _strip_parts(self.raw, dates)
        if self.year_span() == year:
            return rest
        return f"{rest} after:{year}-01-01 before:{year + 1}-01-01".strip()


def _strip_parts(raw: str, parts: list[str]) -> str:
    for part in parts:
        raw = re.sub(rf"(^|\s){re.escape(part)}(?=\s|$)", " ", raw, count=1)
    return re.sub(r"\s+", " ", raw).strip()


def _parse_date(value: str) -> dt.date | None:
    match = _DATE_RE.fullmatch(value)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None  # the pattern requires it
    try:
        return dt.date(year, month or 1, day or 1)
    except ValueError:
        return None


def _read_quoted(text: str, i: int) -> tuple[str, int, bool]:
    """Text inside the quote that opens at `i`; (content, index after it, closed?)."""
    closing = _QUOTES[text[i]]
    end = text.find(closing, i + 1)
    if end < 0:
        return text[i + 1 :], len(text), False
    return text[i + 1 : end], end + 1, True


def _split(text: str) -> list[tuple[bool, str, bool, bool]]:
    """Items as (negated, text, quoted, closed). Quotes may hold spaces; filters stay one item."""
    items = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        if text[i] in _QUOTES:
            content, i, closed = _read_quoted(text, i)
            items.append((negated, content, True, closed))
            continue
        start, unclosed = i, False
        while i < n and not text[i].isspace():
            # `by:"Naoto S"`: a quoted filter value may hold spaces.
            if text[i] in _QUOTES and i > start and text[i - 1] == ":":
                _content, i, closed = _read_quoted(text, i)
                if not closed:
                    items.append((negated, text[start:i], False, False))
                    unclosed = True
                break
            i += 1
        if not unclosed:
            items.append((negated, text[start:i], False, True))
    return items


def parse_query(raw: str | None) -> SearchQuery:
    raw = (raw or "").replace("\x00", "")
    query = SearchQuery()
    if len(raw) > MAX_QUERY_CHARS:
        raw = raw[:MAX_QUERY_CHARS]
        query.messages.append(
            _("検索語が長すぎるため、先頭の%(n)d文字で検索しました。") % {"n": MAX_QUERY_CHARS}
        )
    # NFKC first, so full-width quotes, colons and minus signs work as syntax too.
    text = unicodedata.normalize("NFKC", raw)
    query.raw = text.strip()
    dropped: list[str] = []
    unbalanced = False
    too_many = False
    too_long = False
    for negated, item, quoted, closed in _split(text):
        unbalanced = unbalanced or not closed
        if not quoted and _apply_filter(query, item, negated=negated):
            continue
        if not quoted and not negated and _URL_RE.match(item) and (key := url_key(item)):
            # A pasted source URL finds the topics and deep dives about that page or paper.
            query.urls.append(key)
            query.filter_parts.append((item, "url", key))
            continue
        found = phrase(item)
        if found is None:
            if item.strip():
                dropped.append(item)
            continue
        if len(found.tokens) > MAX_PHRASE_TOKENS:
            found = Phrase(found.tokens[:MAX_PHRASE_TOKENS])
            too_long = True
        term = Term(text=item, phrase=found, quoted=quoted)
        target = query.excluded if negated else query.terms
        if any(t.phrase == found for t in target):
            continue
        if len(query.terms) + len(query.excluded) >= MAX_TERMS:
            too_many = True
            continue
        target.append(term)

    if unbalanced:
        query.messages.append(
            _("閉じていない引用符がありました。末尾までを1つのフレーズとして検索しました。")
        )
    if too_long:
        query.messages.append(
            _("長い検索語は先頭の部分(%(n)dトークン)で検索しました。") % {"n": MAX_PHRASE_TOKENS}
        )
    if too_many:
        query.messages.append(
            _("検索語が多すぎるため、最初の%(n)d語で検索しました。") % {"n": MAX_TERMS}
        )
    if dropped and not (query.terms or query.excluded or query.has_filters):
        query.messages.append(_("検索できる文字(文字や数字)が含まれていません。"))
    elif dropped:
        query.messages.append(
            _("記号だけの語は無視しました: %(words)s") % {"words": " ".join(dropped[:5])}
        )
    if query.excluded and not query.terms and not query.has_filters:
        query.messages.append(
            _("除外する語だけでは検索できません。探す語か条件を1つ入れてください。")
        )
    return query


def _apply_filter(query: SearchQuery, item: str, *, negated: bool) -> bool:
    """Handle `name:value`; False means "not a filter: search it as text"."""
    name, sep, value = item.partition(":")
    if not sep:
        return False
    lname = name.lower()
    if lname not in FILTER_NAMES:
        # `https://…` and `10:30` are text; `foo:bar` gets a hint and is searched as text.
        if _FILTER_NAME_RE.fullmatch(lname) and value and not value.startswith("//"):
            query.messages.append(
                _(
                    "「%(name)s:」という条件はありません"
                    "(使えるのは kind: by: after: before: in: tag:)。文字として検索しました。"
                )
                % {"name": name}
            )
        return False
    if value[:1] in _QUOTES:
        value = value[1:].rstrip("".join(_QUOTES.values()))
    value = value.strip()
    if not value:
        query.messages.append(_("「%(name)s:」の後に値がありません。") % {"name": lname})
        return True
    norm = normalize(value)
    raw_part = f"{'-' if negated else ''}{item}"
    sign = "-" if negated else ""
    if lname in ("kind", "in"):
        chosen = (KINDS if lname == "kind" else SOURCES).get(norm)
        if chosen is None:
            query.messages.append(_unknown_value_message(lname) % {"value": value})
            return True
    elif lname == "by":
        chosen = norm.lstrip("@")
    elif lname == "tag":
        tag = normalize_tag(value)
        if tag is None:
            query.messages.append(
                _("「tag:%(value)s」はタグとして読めません。この条件は無視しました。")
                % {"value": value[:40]}
            )
            return True
        chosen = tag.slug
    else:
        date = _parse_date(norm)
        if date is None:
            query.messages.append(
                _(
                    "「%(name)s:%(value)s」は日付として読めません(例: 2025-01-31)。"
                    "この条件は無視しました。"
                )
                % {"name": lname, "value": value}
            )
            return True
        if negated:
            query.messages.append(_("日付の条件は除外(-)できません。この条件は無視しました。"))
            return True
        setattr(query, lname, date)
        query.filter_parts.append((raw_part, lname, date.isoformat()))
        return True
    wanted, unwanted = {
        "kind": (query.kinds, query.not_kinds),
        "in": (query.sources, query.not_sources),
        "by": (query.handles, query.not_handles),
        "tag": (query.tags, query.not_tags),
    }[lname]
    (unwanted if negated else wanted).append(chosen)
    query.filter_parts.append((raw_part, sign + lname, chosen))
    return True


def _unknown_value_message(name: str) -> str:
    if name == "kind":
        return _("種類「%(value)s」はありません(論文/paper, blog, oss)。この条件は無視しました。")
    return _(
        "「in:%(value)s」は使えません(topic, remark, deepdive, library)。この条件は無視しました。"
    )
