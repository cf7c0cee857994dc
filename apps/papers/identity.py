"""Which scholarly work a URL or a typed id names: one ``PaperKey`` per paper.

Pure string work, no I/O. A paper met as an arXiv abs page, its PDF, an alphaXiv overview or
its arXiv DOI has one key (``arxiv:2503.08026``); a paper with no arXiv id is known by its DOI,
its OpenReview forum id or its ACL Anthology id; a paper with none of those waits under its
title (``title:…``) for a match. ``paper_key_from_url(key.url) == key`` for every key that has
a URL, so the canonical URL may be stored and read back.

arXiv URLs are recognised by ``apps.links.canonical`` (one parser for the whole board), and
titles are compared by :func:`title_key`, which the arXiv title search uses too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, quote, unquote, urlsplit

from apps.links.canonical import canonicalize, normalize_arxiv_id
from apps.links.resolvers.arxiv_search import plain_title

__all__ = [
    "SCHEMES",
    "PaperKey",
    "normalize_acl_id",
    "normalize_doi",
    "paper_key_from_text",
    "paper_key_from_title",
    "paper_key_from_url",
    "title_key",
]

Scheme = Literal["arxiv", "doi", "openreview", "acl", "title"]
SCHEMES: tuple[Scheme, ...] = ("arxiv", "doi", "openreview", "acl", "title")

DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
OPENREVIEW_HOSTS = frozenset({"openreview.net", "www.openreview.net"})
ACL_HOSTS = frozenset({"aclanthology.org", "www.aclanthology.org"})
ACLWEB_HOSTS = frozenset({"aclweb.org", "www.aclweb.org"})
ARXIV_DOI_PREFIX = "10.48550/arxiv."
# The Anthology registers 10.18653/v1/<anthology id> for the papers it hosts.
ACL_DOI_PREFIX = "10.18653/v1/"

# Registrant codes are four or more digits, optionally subdivided (10.1000.10/…); the suffix
# is any printable text. Longer than any DOI in use: the cap only stops absurd input.
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/[^\s\x00-\x1f\x7f]+")
_DOI_MAX = 300
# RFC 3986 path characters; DOIs may also hold "?", "#", "%", "<", ">", which are escaped.
_URL_PATH_SAFE = "-._~!$&'()*+,;=:@/"
# "doi:10.…", "DOI: 10.…", "info:doi/10.…" as people type and papers print them.
_DOI_LABEL = re.compile(r"(?:doi:\s*|info:doi/)", re.IGNORECASE)
_ARXIV_LABEL = re.compile(r"arxiv:\s*", re.IGNORECASE)
# Publishers built on Atypon (ACM, Wiley, Taylor & Francis, SAGE, ACS, Science, PNAS, SIAM…)
# all serve a work at /doi/[view/]DOI.
_ATYPON_DOI = re.compile(
    r"/doi/(?:(?:abs|full|pdf|epdf|pdfdirect|fullhtml|book|reader|suppl|citedby)/)?(?P<doi>10\..+)",
    re.IGNORECASE,
)
# Hosts that put the DOI itself in the path after a fixed prefix.
_DOI_PATH_PREFIXES = {
    "link.springer.com": ("article", "chapter", "book", "referenceworkentry", "content/pdf"),
    "iopscience.iop.org": ("article",),
    "www.frontiersin.org": ("articles", "journals/*/articles"),
    "frontiersin.org": ("articles", "journals/*/articles"),
    "journals.aps.org": ("*/abstract", "*/pdf", "*/supplemental"),
}
# What a publisher appends to the DOI to pick a view of the same work.
_VIEW_SUFFIX = re.compile(r"(?:\.pdf|/(?:full|abstract|pdf|epdf|fulltext|html|meta|references))+$")
# nature.com article ids are the suffix of Springer Nature's 10.1038 DOIs.
_NATURE_HOSTS = frozenset({"nature.com", "www.nature.com"})
_NATURE_ARTICLE = re.compile(r"/articles/(?P<id>[a-z0-9.-]+?)(?:\.pdf)?/?", re.IGNORECASE)

# Forum ids are short base64url-like strings and case-sensitive ("rJl-b3RcF7", "YicbFdNTTy").
_OPENREVIEW_ID = re.compile(r"[A-Za-z0-9_-]{6,32}")
_OPENREVIEW_PAPER_PATHS = frozenset({"/forum", "/pdf", "/attachment"})

# New Anthology ids (2020 on): YEAR.VENUE[-VOLUME].NUMBER; old ones: letter, year, number.
_ACL_NEW = re.compile(r"(?P<year>\d{4})\.(?P<volume>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<number>\d+)")
_ACL_OLD = re.compile(r"(?P<letter>[A-Z])(?P<year>\d{2})-(?P<number>\d{4})", re.IGNORECASE)
# A paper page, its PDF (maybe a later version: …v2.pdf), its BibTeX or other citation files.
_ACL_FILE = re.compile(r"(?P<id>[^/]+?)(?:v\d+)?(?:\.(?:pdf|bib|xml|endf|ris|enw))?")


@dataclass(frozen=True)
class PaperKey:
    """One scholarly work: ``scheme`` names the id space, ``value`` is the id normalised."""

    scheme: Scheme
    value: str

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"unknown paper key scheme: {self.scheme!r}")
        if not self.value:
            raise ValueError("a paper key needs a value")

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"

    @property
    def url(self) -> str | None:
        """The work's landing page; None for a title, which has none yet."""
        if self.scheme == "arxiv":
            return f"https://arxiv.org/abs/{self.value}"
        if self.scheme == "doi":
            return f"https://doi.org/{quote(self.value, safe=_URL_PATH_SAFE)}"
        if self.scheme == "openreview":
            return f"https://openreview.net/forum?id={self.value}"
        if self.scheme == "acl":
            return f"https://aclanthology.org/{self.value}/"
        return None

    @classmethod
    def parse(cls, text: str) -> PaperKey | None:
        """Read back ``str(key)``; None when ``text`` is not a valid key of a known scheme."""
        scheme, sep, value = (text or "").partition(":")
        if not sep:
            return None
        if scheme == "arxiv":
            return _arxiv_key(value)
        if scheme == "doi":
            return _doi_key(normalize_doi(value))
        if scheme == "openreview":
            return cls("openreview", value) if _OPENREVIEW_ID.fullmatch(value) else None
        if scheme == "acl":
            acl_id = normalize_acl_id(value)
            return cls("acl", acl_id) if acl_id else None
        if scheme == "title":
            return paper_key_from_title(value)
        return None


def paper_key_from_url(url: str) -> PaperKey | None:
    """The paper a pasted URL is about, or None when it is not a paper's page we know."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    # The URI forms papers print (doi:10.…, arXiv:2503.08026) are not http URLs.
    if _DOI_LABEL.match(text) or _ARXIV_LABEL.match(text):
        return paper_key_from_text(text)
    try:
        target = canonicalize(text)
    except ValueError:
        return None
    if target.kind == "arxiv":
        return PaperKey("arxiv", target.key)
    if target.kind != "web":
        return None
    # The canonical URL has a lower-case ASCII host, no default port and no tracking tags.
    parts = urlsplit(target.canonical_url)
    host, path = parts.hostname or "", parts.path
    if host in DOI_HOSTS:
        return _doi_key(normalize_doi(unquote(path).lstrip("/")))
    if host in OPENREVIEW_HOSTS:
        return _openreview_key(path, parts.query)
    if host in ACL_HOSTS:
        return _acl_key(_segments(path), from_aclweb=False)
    if host in ACLWEB_HOSTS:
        segments = _segments(path)
        if segments[:1] != ["anthology"]:
            return None
        return _acl_key(segments[1:], from_aclweb=True)
    return _publisher_doi_key(host, unquote(path))


def paper_key_from_text(text: str) -> PaperKey | None:
    """The paper an id typed on its own names: ``2503.08026v2``, ``arXiv:2503.08026``,
    ``hep-th/9901001``, ``doi:10.1145/…``, ``10.1145/…``; a URL is read as a URL."""
    if not isinstance(text, str):
        return None
    value = text.strip()
    if value.lower().startswith(("http://", "https://")):
        return paper_key_from_url(value)
    if label := _ARXIV_LABEL.match(value):
        return _arxiv_key(value[label.end() :])
    if label := _DOI_LABEL.match(value):
        value = value[label.end() :]
    elif not value.startswith("10."):
        return _arxiv_key(value)
    # A DOI copied out of a sentence often brings the sentence's full stop along.
    return _doi_key(normalize_doi(value.rstrip(".,;")))


def paper_key_from_title(title: str) -> PaperKey | None:
    """The key a paper waits under until an id is known; None for a title with no letters."""
    key = title_key(title) if isinstance(title, str) else ""
    return PaperKey("title", key) if key else None


def normalize_doi(value: str) -> str:
    """``"DOI:10.1145/ABC"`` → ``"10.1145/abc"``; "" when ``value`` is not a DOI.

    DOIs are case-insensitive (the DOI Handbook, 2.4), so the lower-case form is the key.
    """
    doi = (value or "").strip()
    if label := _DOI_LABEL.match(doi):
        doi = doi[label.end() :]
    doi = doi.lower()
    if len(doi) > _DOI_MAX or not _DOI.fullmatch(doi):
        return ""
    return doi


def normalize_acl_id(value: str) -> str:
    """``"2023.ACL-long.1"`` → ``"2023.acl-long.1"``, ``"p19-1001"`` → ``"P19-1001"``;
    "" when ``value`` is not an Anthology paper id (a volume such as ``2023.acl-long`` is not)."""
    value = (value or "").strip()
    if _ACL_NEW.fullmatch(value.lower()):
        return value.lower()
    if _ACL_OLD.fullmatch(value):
        return value.upper()
    return ""


# --- per source ----------------------------------------------------------------------------


def _arxiv_key(value: str) -> PaperKey | None:
    arxiv_id = normalize_arxiv_id(value)
    return PaperKey("arxiv", arxiv_id) if arxiv_id else None


def _doi_key(doi: str) -> PaperKey | None:
    """A DOI's key, or the arXiv/Anthology key when the DOI is one of theirs."""
    if not doi:
        return None
    if doi.startswith(ARXIV_DOI_PREFIX):
        return _arxiv_key(doi.removeprefix(ARXIV_DOI_PREFIX))
    if doi.startswith(ACL_DOI_PREFIX):
        acl_id = normalize_acl_id(doi.removeprefix(ACL_DOI_PREFIX))
        if acl_id:
            return PaperKey("acl", acl_id)
    return PaperKey("doi", doi)


def _openreview_key(path: str, query: str) -> PaperKey | None:
    if path.rstrip("/") not in _OPENREVIEW_PAPER_PATHS:
        return None  # /group?id=ICLR.cc/2025/Conference, /profile?id=~Name1: not a paper
    ids = parse_qs(query).get("id", [])
    if len(ids) != 1 or not _OPENREVIEW_ID.fullmatch(ids[0]):
        return None
    return PaperKey("openreview", ids[0])


def _acl_key(segments: list[str], *, from_aclweb: bool) -> PaperKey | None:
    # The old aclweb.org layout nested a paper under its volume: papers/P/P19/P19-1001/.
    if from_aclweb and segments[:1] == ["papers"] and len(segments) == 4:
        segments = segments[3:]
    if len(segments) != 1:
        return None  # /volumes/2023.acl-long/, /events/acl-2023/, /people/…
    match = _ACL_FILE.fullmatch(segments[0])
    acl_id = normalize_acl_id(match["id"]) if match else ""
    return PaperKey("acl", acl_id) if acl_id else None


def _publisher_doi_key(host: str, path: str) -> PaperKey | None:
    """A DOI a publisher's article URL carries in its path."""
    if host in _NATURE_HOSTS:
        match = _NATURE_ARTICLE.fullmatch(path)
        return _doi_key(normalize_doi(f"10.1038/{match['id']}")) if match else None
    if match := _ATYPON_DOI.fullmatch(path):
        return _doi_key(_doi_from_path(match["doi"]))
    for prefix in _DOI_PATH_PREFIXES.get(host, ()):
        pattern = "/" + re.escape(prefix).replace(r"\*", "[^/]+") + "/(?P<doi>10\\..+)"
        if match := re.fullmatch(pattern, path, re.IGNORECASE):
            return _doi_key(_doi_from_path(match["doi"]))
    return None


def _doi_from_path(text: str) -> str:
    return normalize_doi(_VIEW_SUFFIX.sub("", text.rstrip("/")))


def _segments(path: str) -> list[str]:
    return [unquote(segment) for segment in path.split("/") if segment]


def title_key(title: str) -> str:
    """What two titles must share to be the same paper's.

    NFKC (full-width letters), LaTeX markup dropped, case folded, and every character that
    is not a letter or digit removed: "Pre-training" and "Pretraining", "BERT: Pre-training"
    and "BERT - Pre-training" are the same title; any different word is not.
    """
    text = plain_title(title).casefold()
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isalnum())
