"""Papers beyond arXiv: OpenReview forums, ACL Anthology ids and DOIs.

* OpenReview: the forum's notes from the API (v2, then v1 for older venues): title, authors,
  abstract, venue, and the decision when it is public;
* ACL Anthology: the paper's BibTeX (``/{id}.bib``), the Anthology's own citation record;
* DOI: content negotiation at doi.org for CSL JSON (Crossref, DataCite and mEDRA answer it).

Proceedings pages (NeurIPS, PMLR, CVF) need nothing of their own: their ``citation_*`` tags
are read by the HTML resolver. The papers app recognises all of these URLs and files them as
papers in the library.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.http import safe_http
from apps.core.http.safe_http import FetchError
from apps.links.metadata import (
    ABSTRACT_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    Metadata,
    http_url,
    names,
    plain_text,
    truncate,
)

OPENREVIEW_API_URL = "https://api2.openreview.net"
OPENREVIEW_API_V1_URL = "https://api.openreview.net"
ACL_ANTHOLOGY_URL = "https://aclanthology.org"
DOI_RESOLVER_URL = "https://doi.org"
MAX_FORUM_BYTES = 4 * 1024 * 1024  # a forum with every review is a few hundred kB
MAX_RECORD_BYTES = 512 * 1024
CSL_JSON = "application/vnd.citationstyles.csl+json"

_OPENREVIEW_HOSTS = frozenset({"openreview.net", "www.openreview.net"})
_OPENREVIEW_ID = re.compile(r"[A-Za-z0-9_-]{6,32}")
_ACL_HOSTS = frozenset({"aclanthology.org", "www.aclanthology.org"})
_ACL_ID = re.compile(r"(\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d+|[A-Z]\d{2}-\d{4})(?:v\d+)?")
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
_DOI = re.compile(r"10\.\d{4,9}/\S{1,200}")


def scholarly_source(url: str) -> tuple[str, str] | None:
    """("openreview" | "acl" | "doi", id) for a paper URL these resolvers know, else None."""
    parts = urlsplit(url)
    host, path = parts.hostname or "", unquote(parts.path)
    if host in _OPENREVIEW_HOSTS and path.rstrip("/") in ("/forum", "/pdf"):
        ids = parse_qs(parts.query).get("id", [])
        if len(ids) == 1 and _OPENREVIEW_ID.fullmatch(ids[0]):
            return "openreview", ids[0]
    if host in _ACL_HOSTS:
        name = path.strip("/").removesuffix(".pdf").removesuffix(".bib")
        match = _ACL_ID.fullmatch(name)
        if match:
            return "acl", match.group(1)
    if host in _DOI_HOSTS and _DOI.fullmatch(path.lstrip("/")):
        return "doi", path.lstrip("/")
    return None


def fetch_scholarly(source: str, key: str, *, timeout: float = 10.0) -> Metadata:
    if source == "openreview":
        return fetch_openreview(key, timeout=timeout)
    if source == "acl":
        return fetch_acl(key, timeout=timeout)
    return fetch_doi(key, timeout=timeout)


def _not_found(source: str, key: str, exc: FetchError) -> FetchError:
    message = _("%(source)s に %(id)s が見つかりません。") % {"source": source, "id": key}
    return FetchError("http_error", message, False, 404, exc.detail)


def _json(response: safe_http.FetchResponse) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise FetchError("unsupported_content_type", detail=f"bad JSON: {exc}") from exc


# --- OpenReview ----------------------------------------------------------------------------


def fetch_openreview(forum: str, *, timeout: float = 10.0) -> Metadata:
    """The forum's submission, from API v2, else v1 (venues before 2023)."""
    for setting, default in (
        ("OPENREVIEW_API_URL", OPENREVIEW_API_URL),
        ("OPENREVIEW_API_V1_URL", OPENREVIEW_API_V1_URL),
    ):
        base = getattr(settings, setting, default).rstrip("/")
        try:
            response = safe_http.fetch(
                f"{base}/notes?forum={quote(forum)}",
                max_bytes=MAX_FORUM_BYTES,
                accept=("application/json",),
                timeout=timeout,
            )
        except FetchError as exc:
            if exc.reason == "http_error" and exc.status in (400, 403, 404):
                continue  # v2 refuses a v1 forum id, and the other way round
            raise
        data = _json(response)
        notes = data.get("notes") if isinstance(data, dict) else None
        if isinstance(notes, list) and notes:
            submission = next(
                (n for n in notes if isinstance(n, dict) and n.get("id") == forum), None
            )
            if submission is not None:
                return openreview_metadata(forum, submission, notes)
    raise _not_found("OpenReview", forum, FetchError("http_error", status=404))


def _content(note: dict[str, Any]) -> dict[str, Any]:
    content = note.get("content")
    return content if isinstance(content, dict) else {}


def _value(content: dict[str, Any], name: str) -> Any:
    # API v2 wraps every field as {"value": …}; v1 gives the value itself.
    value = content.get(name)
    return value.get("value") if isinstance(value, dict) else value


def openreview_metadata(forum: str, submission: dict[str, Any], notes: list) -> Metadata:
    content = _content(submission)
    title = plain_text(_value(content, "title"), TITLE_MAX)
    if not title:
        raise FetchError("unsupported_content_type", detail="OpenReview note without a title")
    abstract = truncate(plain_text(_value(content, "abstract"), ABSTRACT_MAX), ABSTRACT_MAX)
    venue = plain_text(_value(content, "venue"), NAME_MAX)
    pdf = _value(content, "pdf")
    return Metadata(
        title=title,
        description=truncate(abstract, DESCRIPTION_MAX),
        site_name="OpenReview",
        authors=names(_value(content, "authors")),
        published=_epoch_date(submission.get("pdate") or submission.get("cdate")),
        canonical_url=f"https://openreview.net/forum?id={forum}",
        favicon_url="https://openreview.net/favicon.ico",
        suggested_kind="paper",
        extra={
            "openreview_id": forum,
            "venue": venue,
            "decision": _decision(notes, forum),
            "abstract": abstract,
            "pdf_url": http_url(pdf, "https://openreview.net") if isinstance(pdf, str) else "",
        },
    )


def _decision(notes: list, forum: str) -> str:
    """The public decision note's verdict ("Accept (oral)"), "" while none is public."""
    for note in notes:
        if not isinstance(note, dict) or note.get("id") == forum:
            continue
        content = _content(note)
        decision = plain_text(_value(content, "decision"), 80)
        if decision:
            return decision
    return ""


def _epoch_date(value: object) -> str:
    """OpenReview times are milliseconds since the epoch."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return ""
    try:
        return dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return ""


# --- ACL Anthology -------------------------------------------------------------------------


def fetch_acl(acl_id: str, *, timeout: float = 10.0) -> Metadata:
    base = getattr(settings, "ACL_ANTHOLOGY_URL", ACL_ANTHOLOGY_URL).rstrip("/")
    try:
        response = safe_http.fetch(
            f"{base}/{quote(acl_id)}.bib", max_bytes=MAX_RECORD_BYTES, timeout=timeout
        )
    except FetchError as exc:
        if exc.reason == "http_error" and exc.status == 404:
            raise _not_found("ACL Anthology", acl_id, exc) from exc
        raise
    fields = parse_bibtex(response.content.decode("utf-8", errors="replace"))
    title = plain_text(_tex(fields.get("title", "")), TITLE_MAX)
    if not title:
        raise FetchError("unsupported_content_type", detail="BibTeX without a title")
    abstract = plain_text(_tex(fields.get("abstract", "")), ABSTRACT_MAX)
    authors = [_bib_name(a) for a in re.split(r"\s+and\s+", fields.get("author", "")) if a.strip()]
    year, month = fields.get("year", ""), _MONTHS.get(fields.get("month", "").lower()[:3], "")
    return Metadata(
        title=title,
        description=truncate(abstract, DESCRIPTION_MAX),
        site_name="ACL Anthology",
        authors=names(authors),
        published=f"{year}-{month}" if year.isdigit() and month else year[:4],
        canonical_url=f"https://aclanthology.org/{acl_id}/",
        favicon_url="https://aclanthology.org/aclicon.ico",
        suggested_kind="paper",
        extra={
            "acl_id": acl_id,
            "venue": plain_text(_tex(fields.get("booktitle") or fields.get("journal", "")), 300),
            "doi": plain_text(fields.get("doi", ""), 200),
            "pages": plain_text(fields.get("pages", "").replace("--", "–"), 40),
            "pdf_url": f"https://aclanthology.org/{acl_id}.pdf",
            "abstract": abstract,
        },
    )


_MONTHS = {
    m: f"{i:02d}"
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_BIB_FIELD = re.compile(r"(\w+)\s*=\s*")


def parse_bibtex(text: str) -> dict[str, str]:
    """The fields of the first BibTeX entry: ``{…}`` (nested), ``"…"`` or a bare word."""
    fields: dict[str, str] = {}
    start = text.find("@")
    body = text[text.find(",", start) + 1 :] if start >= 0 else ""
    pos = 0
    while len(fields) < 50:
        match = _BIB_FIELD.search(body, pos)
        if match is None:
            break
        name, pos = match.group(1).lower(), match.end()
        if pos >= len(body):
            break
        if body[pos] in '{"':
            end = _closing(body, pos)
            value, pos = body[pos + 1 : end], end + 1
        else:
            word = re.match(r"[^,}\s]*", body[pos:])
            value = word.group(0) if word else ""
            pos += len(value)
        fields.setdefault(name, value.strip())
    return fields


def _closing(body: str, start: int) -> int:
    """Where the ``{…}`` or ``"…"`` value opened at ``start`` ends (braces nest in both)."""
    depth = 0
    quoted = body[start] == '"'
    for end in range(start + 1 if quoted else start, min(len(body), start + 20_000)):
        char = body[end]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if not quoted and depth == 0:
                return end
        elif char == '"' and quoted and depth == 0:
            return end
    return min(len(body), start + 20_000)


_TEX_ACCENTS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", '"': "\u0308", "~": "\u0303"}


def _tex(value: str) -> str:
    """BibTeX text as plain text: accents (``{\\'e}`` → é), braces and ``\\&`` undone."""
    value = value.replace("\\i}", "i}").replace("\\i ", "i ")  # dotless i under an accent
    value = re.sub(
        r"\{?\\([`'^\"~])\{?([A-Za-z])\}?\}?",
        lambda m: unicodedata.normalize("NFC", m.group(2) + _TEX_ACCENTS[m.group(1)]),
        value,
    )
    value = value.replace("\\&", "&").replace("--", "–").replace("~", " ")
    return value.replace("{", "").replace("}", "")


def _bib_name(value: str) -> str:
    name = _tex(value).strip()
    family, comma, given = name.partition(",")
    return f"{given.strip()} {family.strip()}" if comma else name


# --- DOI -----------------------------------------------------------------------------------


def fetch_doi(doi: str, *, timeout: float = 10.0) -> Metadata:
    """CSL JSON for a DOI, asked of doi.org, which redirects to the registration agency."""
    base = getattr(settings, "DOI_RESOLVER_URL", DOI_RESOLVER_URL).rstrip("/")
    try:
        response = safe_http.fetch(
            f"{base}/{quote(doi, safe='/:;()._-')}",
            max_bytes=MAX_RECORD_BYTES,
            accept=(CSL_JSON, "application/json"),
            timeout=timeout,
        )
    except FetchError as exc:
        if exc.reason == "http_error" and exc.status == 404:
            raise _not_found("DOI", doi, exc) from exc
        raise
    data = _json(response)
    if not isinstance(data, dict):
        raise FetchError("unsupported_content_type", detail="CSL JSON is not an object")
    return csl_metadata(doi, data)


def csl_metadata(doi: str, item: dict[str, Any]) -> Metadata:
    title = plain_text(_first(item.get("title")), TITLE_MAX)
    if not title:
        raise FetchError("unsupported_content_type", detail="CSL JSON without a title")
    raw = item.get("abstract")
    abstract = raw if isinstance(raw, str) else ""
    # Crossref abstracts are JATS XML: its heading ("Abstract") goes, its tags too.
    abstract = re.sub(r"<jats:title>.*?</jats:title>|</?jats:[^>]*>", " ", abstract, flags=re.S)
    abstract = plain_text(abstract, ABSTRACT_MAX)
    authors = []
    for person in item.get("author", [])[:50] if isinstance(item.get("author"), list) else []:
        if isinstance(person, dict):
            given, family = person.get("given", ""), person.get("family", "")
            literal = person.get("literal") or person.get("name")
            authors.append(f"{given} {family}".strip() if family else (literal or given))
    return Metadata(
        title=title,
        description=truncate(abstract, DESCRIPTION_MAX),
        site_name=plain_text(item.get("publisher"), NAME_MAX) or "DOI",
        authors=names([a for a in authors if isinstance(a, str)]),
        published=_csl_date(item.get("issued")) or _csl_date(item.get("published")),
        canonical_url=f"https://doi.org/{doi}",
        suggested_kind="paper",
        extra={
            "doi": plain_text(item.get("DOI"), 200) or doi,
            "venue": plain_text(_first(item.get("container-title")), 300),
            "abstract": abstract,
            "csl_type": plain_text(item.get("type"), 40),
        },
    )


def _first(value: object) -> object:
    return next(iter(value), "") if isinstance(value, list) else value


def _csl_date(value: object) -> str:
    """{"date-parts": [[2021, 7, 15]]} → "2021-07-15" (as precise as given)."""
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    numbers = [p for p in first[:3] if isinstance(p, int) and not isinstance(p, bool)]
    if not numbers or not 1000 < numbers[0] < 3000:
        return ""
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])
