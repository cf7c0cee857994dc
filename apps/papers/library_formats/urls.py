"""URLs inside free text, where the notes glue them to whatever follows.

The tagged notes were copied out of a web page that dropped the line breaks after links:
`…?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-QHF:https://huggingface.co/…`, `…-QRLVRのロールアウト…`,
`https://www.chatpdf.com/https://scispace.com/`. Japanese text ends a URL by itself (only
ASCII is taken); a second scheme starts a new URL; for X/Twitter share links the `t` token has a
fixed length, so the letters glued after it are cut off.
"""

from __future__ import annotations

import re

from apps.links.canonical import canonicalize

_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_SCHEME = re.compile(r"https?://")
_X_HOSTS = ("x.com", "twitter.com", "www.x.com", "www.twitter.com", "mobile.twitter.com")
_X_STATUS = re.compile(r"(/status/\d+)(?=[^\d?/])")
# X share links end in `?s=NN&t=` plus a 22-character token.
_X_TOKEN = re.compile(r"([?&]t=[A-Za-z0-9_-]{22})[A-Za-z0-9_-]")
# Link labels the notes write right before a URL ("HF:https://…"): glued to the end of the
# previous URL, such a label and its colon are not part of that URL.
_LABELS = ("HF", "Code", "GitHub", "Github", "Repo", "Dataset", "Demo", "Blog", "Paper",
           "Project", "Leaderboard", "Slides", "Slide", "Video", "Model", "arXiv",
           "OpenReview")  # fmt: skip
_TRAILING = ".,;:!?'"


def find_urls(text: str) -> list[str]:
    """Every http(s) URL in `text`, in order, without duplicates."""
    found: list[str] = []
    seen: set[str] = set()
    for match in _URL.finditer(text):
        raw = match.group()
        starts = [m.start() for m in _SCHEME.finditer(raw)]
        for begin, end in zip(starts, [*starts[1:], len(raw)], strict=True):
            url = _tidy(raw[begin:end], glued=end < len(raw))
            if url and url not in seen:
                seen.add(url)
                found.append(url)
    return found


def arxiv_id(url: str) -> str:
    """The arXiv id a URL names ("" if none): abs, pdf, html, versions, mirrors alike."""
    try:
        target = canonicalize(url)
    except ValueError:
        return ""
    return target.key if target.kind == "arxiv" else ""


def _tidy(url: str, *, glued: bool) -> str:
    if glued and url.endswith(":"):
        url = url[:-1]
        label = next((label for label in _LABELS if url.endswith(label)), "")
        url = url[: len(url) - len(label)]
    host = url.split("/", 3)[2].lower() if url.count("/") >= 2 else ""
    if host in _X_HOSTS:
        url = _cut_x(url)
    url = url.rstrip(_TRAILING)
    # A closing parenthesis belongs to the URL only when the URL opened one (Wikipedia style).
    surplus = url.count(")") - url.count("(")
    while surplus > 0 and url.endswith(")"):
        url, surplus = url[:-1].rstrip(_TRAILING), surplus - 1
    return url if len(url) > len("https://") else ""


def _cut_x(url: str) -> str:
    query = url.find("?")
    if query != -1:
        token = _X_TOKEN.search(url, query)
        return url[: token.end(1)] if token else url
    status = _X_STATUS.search(url)
    return url[: status.end(1)] if status else url
