"""One key per source URL, so the same paper pasted in different forms is one "link".

`https://arxiv.org/abs/2503.08026v2`, `http://arxiv.org/pdf/2503.08026.pdf` and
`https://huggingface.co/papers/2503.08026` are all `arxiv:2503.08026`; other URLs lose the
scheme, `www.`, the fragment, tracking parameters and a trailing slash. This is an interim
canonical form for the per-URL archive page; apps.links' Link model will own canonical URLs.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})"
_ARXIV_PATH_RE = re.compile(rf"/(?:abs|pdf|html|format)/{_ARXIV_ID}(?:v\d+)?(?:\.pdf)?/?", re.I)
_HF_PAPER_RE = re.compile(rf"/papers/{_ARXIV_ID}/?", re.I)
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|ref_src|ref|source)$", re.I)
MAX_KEY = 500


def url_key(url: str | None) -> str:
    """The comparison key of a source URL ("" for nothing usable)."""
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:  # an invalid IPv6 literal or port
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return ""
    host = host.removeprefix("www.")
    match = None
    if host in {"arxiv.org", "export.arxiv.org"}:
        match = _ARXIV_PATH_RE.fullmatch(parts.path)
    elif host in {"huggingface.co", "alphaxiv.org"}:
        match = _HF_PAPER_RE.fullmatch(parts.path) or _ARXIV_PATH_RE.fullmatch(parts.path)
    if match:
        return f"arxiv:{match.group(1).lower()}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/")
    port_part = f":{port}" if port and port not in (80, 443) else ""
    return f"{host}{port_part}{path}{'?' + query if query else ''}"[:MAX_KEY]
