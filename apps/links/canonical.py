"""One canonical form per pasted URL, so the same paper or repository is one Link.

Pure string work, no I/O. ``canonicalize`` recognises arXiv papers (under every mirror and
reader that puts the id in its URL), GitHub repositories and PyPI projects; anything else is
a "web" page whose URL is normalised just enough to merge trivial variants (case of scheme
and host, default port, fragment, tracking parameters). ``canonicalize(t.canonical_url)``
gives back ``t``: callers may store the canonical URL and canonicalize it again later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from django.utils.translation import gettext as _

from apps.core.http.addresses import parse_host

ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org", "export.arxiv.org", "browse.arxiv.org"})
AR5IV_HOSTS = frozenset({"ar5iv.org", "www.ar5iv.org", "ar5iv.labs.arxiv.org"})
ALPHAXIV_HOSTS = frozenset({"alphaxiv.org", "www.alphaxiv.org"})
HUGGINGFACE_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
GIST_HOSTS = frozenset({"gist.github.com"})
PYPI_HOSTS = frozenset({"pypi.org", "www.pypi.org", "pypi.python.org"})

# Path prefixes that are followed by a paper id, per family of hosts.
_ARXIV_PREFIXES = {
    **dict.fromkeys(ARXIV_HOSTS, ("abs", "pdf", "html", "ps", "format", "src")),
    **dict.fromkeys(AR5IV_HOSTS, ("abs", "html")),
    **dict.fromkeys(ALPHAXIV_HOSTS, ("abs", "overview", "pdf")),
    **dict.fromkeys(HUGGINGFACE_HOSTS, ("papers",)),
}
# New-style ids (April 2007 on) are YYMM.NNNN, and YYMM.NNNNN from January 2015;
# old-style ids are archive[.SUBJECT-CLASS]/YYMMNNN. An optional vN names a version.
_ARXIV_ID = re.compile(
    r"(?:arxiv:)?"
    r"(?:(?P<new>(?P<yymm>\d{4})\.(?P<number>\d{4,5}))"
    r"|(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[a-z-]+)?/(?P<old>\d{7}))"
    r"(?:v\d+)?(?:\.pdf)?/?",
    re.IGNORECASE,
)

# Top-level GitHub paths that are site pages, not users or organisations.
_GITHUB_RESERVED = frozenset(
    [
        "about",
        "account",
        "apps",
        "codespaces",
        "collections",
        "contact",
        "customer-stories",
        "dashboard",
        "enterprise",
        "events",
        "explore",
        "features",
        "issues",
        "join",
        "login",
        "logout",
        "marketplace",
        "new",
        "notifications",
        "orgs",
        "organizations",
        "pricing",
        "pulls",
        "readme",
        "search",
        "security",
        "settings",
        "site",
        "sponsors",
        "stars",
        "team",
        "topics",
        "trending",
        "users",
    ]
)
_GITHUB_OWNER = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38})", re.IGNORECASE)
_GITHUB_REPO = re.compile(r"[a-z0-9._-]{1,100}", re.IGNORECASE)
_PYPI_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?", re.IGNORECASE)

# Query parameters that only say where a click came from. Compared lower-cased.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# The characters safe_http leaves unescaped too, so the canonical URL is what gets fetched.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


@dataclass(frozen=True)
class LinkTarget:
    canonical_url: str
    kind: str  # "arxiv" | "github" | "pypi" | "web"
    # arXiv id without version; "owner/repo" lower-cased (+ "/issues/N", "/pull/N",
    # "/discussions/N", "/releases/tag/T") or "gist/ID"; PyPI name; "" for web
    key: str


def canonicalize(url: str) -> LinkTarget:
    """The canonical target of a pasted URL; ValueError (Japanese message) if not http(s)."""
    parts = _split(url)
    host, path = parts.host, parts.path
    if host in _ARXIV_PREFIXES:
        arxiv_id = _arxiv_id(host, path)
        if arxiv_id:
            return LinkTarget(f"https://arxiv.org/abs/{arxiv_id}", "arxiv", arxiv_id)
    if host in GITHUB_HOSTS:
        repo = _github_repo(path)
        if repo:
            key = repo + _github_item(path)
            return LinkTarget(f"https://github.com/{key}", "github", key)
    if host in GIST_HOSTS:
        gist = _gist_id(path)
        if gist:
            return LinkTarget(f"https://gist.github.com/{gist}", "github", f"gist/{gist}")
    if host in PYPI_HOSTS:
        name = _pypi_name(path)
        if name:
            return LinkTarget(f"https://pypi.org/project/{name}/", "pypi", name)
    return LinkTarget(_web_url(parts), "web", "")


def normalize_arxiv_id(value: str) -> str:
    """``"2503.08026v2"`` → ``"2503.08026"``, ``"math.GT/0309136"`` → ``"math/0309136"``;
    "" when ``value`` is not an arXiv id."""
    match = _ARXIV_ID.fullmatch(value.strip())
    if match is None:
        return ""
    if match["new"]:
        return match["new"] if _valid_new_style(match["yymm"], match["number"]) else ""
    # The subject class is not part of the identity: math.GT/0309136 is math/0309136.
    return f"{match['archive'].lower()}/{match['old']}"


def pypi_normalize(name: str) -> str:
    """PEP 503: runs of ``-``, ``_`` and ``.`` are one ``-``, case does not matter."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- parsing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parts:
    scheme: str
    host: str  # ASCII, lower-case; IPv6 without brackets
    port: int
    path: str  # raw, as pasted
    query: str


def _split(url: str) -> _Parts:
    not_http = _("http:// または https:// で始まるURLを入力してください。")
    if not isinstance(url, str):
        raise ValueError(not_http)
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # e.g. an unbalanced "[" in the host
        raise ValueError(not_http) from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc:
        raise ValueError(not_http)
    if "@" in parts.netloc:
        raise ValueError(_("ユーザー名やパスワードを含むURLは登録できません。"))
    try:
        host_part, port = _host_and_port(parts.netloc)
        host, _ip = parse_host(host_part)
    except ValueError as exc:
        raise ValueError(_("URLのホスト名またはポート番号を読み取れませんでした。")) from exc
    return _Parts(
        scheme=scheme,
        host=host,
        port=port if port is not None else _DEFAULT_PORTS[scheme],
        path=parts.path,
        query=parts.query,
    )


def _host_and_port(netloc: str) -> tuple[str, int | None]:
    if netloc.startswith("["):  # IPv6 literal: the port follows the closing bracket
        end = netloc.find("]") + 1
        host, rest = netloc[:end], netloc[end:]
        if end == 0 or (rest and not rest.startswith(":")):
            raise ValueError("malformed IPv6 literal")
        port = rest[1:]
    else:
        host, _colon, port = netloc.partition(":")
    if not port:
        return host, None
    if not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise ValueError("bad port")
    return host, int(port)


def _segments(path: str) -> list[str]:
    return [unquote(segment) for segment in path.split("/") if segment]


# --- arXiv, GitHub, PyPI --------------------------------------------------------------------


def _arxiv_id(host: str, path: str) -> str:
    prefix, _sep, rest = unquote(path).lstrip("/").partition("/")
    if prefix.lower() not in _ARXIV_PREFIXES[host]:
        return ""
    return normalize_arxiv_id(rest)


def _valid_new_style(yymm: str, number: str) -> bool:
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12 or yymm < "0704":
        return False
    # Five-digit sequence numbers started in January 2015 and are the only form since.
    return len(number) == (5 if yymm >= "1501" else 4) and year >= 7


def _github_repo(path: str) -> str:
    segments = _segments(path)
    if len(segments) < 2:
        return ""  # github.com/owner is a profile page, not a repository
    owner, repo = segments[0], segments[1]
    if repo.lower().endswith(".git"):
        repo = repo[:-4]
    if (
        owner.lower() in _GITHUB_RESERVED
        or not _GITHUB_OWNER.fullmatch(owner)
        or not _GITHUB_REPO.fullmatch(repo)
        or repo in (".", "..")
    ):
        return ""
    return f"{owner}/{repo}".lower()


_GITHUB_NUMBERED = frozenset({"issues", "pull", "discussions"})
_GIST_ID = re.compile(r"[0-9a-f]{20,40}")


def _github_item(path: str) -> str:
    """ "/issues/12", "/pull/34", "/discussions/5", "/releases/tag/v1.0": an item with a card
    of its own; "" for the repository (its tree, files, lists of issues...)."""
    segments = _segments(path)[2:]
    if len(segments) >= 2 and segments[0] in _GITHUB_NUMBERED and segments[1].isdigit():
        number = int(segments[1])
        if 0 < number < 10**9:
            return f"/{segments[0]}/{number}"
    if len(segments) >= 3 and segments[:2] == ["releases", "tag"] and len(segments[2]) <= 100:
        return "/releases/tag/" + quote("/".join(segments[2:]), safe="-._~+@")
    return ""


def _gist_id(path: str) -> str:
    # gist.github.com/ID or gist.github.com/user/ID; ids are hex.
    for segment in reversed(_segments(path)[:2]):
        if _GIST_ID.fullmatch(segment.lower()):
            return segment.lower()
    return ""


def _pypi_name(path: str) -> str:
    segments = _segments(path)
    if len(segments) < 2 or segments[0] not in ("project", "pypi"):
        return ""
    name = segments[1]
    return pypi_normalize(name) if _PYPI_NAME.fullmatch(name) else ""


# --- any other page ------------------------------------------------------------------------


def _web_url(parts: _Parts) -> str:
    host = f"[{parts.host}]" if ":" in parts.host else parts.host
    netloc = host if parts.port == _DEFAULT_PORTS[parts.scheme] else f"{host}:{parts.port}"
    path = _normalize_escapes(quote(parts.path or "/", safe=_PATH_SAFE))
    query = _without_tracking(parts.query)
    query = _normalize_escapes(quote(query, safe=_QUERY_SAFE)) if query else ""
    return f"{parts.scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _without_tracking(query: str) -> str:
    kept = []
    for pair in query.split("&"):
        name = unquote(pair.partition("=")[0]).lower()
        if not pair or name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES):
            continue
        kept.append(pair)
    return "&".join(kept)


def _normalize_escapes(text: str) -> str:
    # %e6 and %E6 are the same byte; RFC 3986 prefers upper case.
    return _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), text)
