"""Guessing a topic's kind from its source URL, for the "auto" choice of the add form."""

from __future__ import annotations

from urllib.parse import urlsplit

from .models import Topic

PAPER_HOSTS = {
    "arxiv.org", "export.arxiv.org", "alphaxiv.org", "openreview.net", "aclanthology.org",
    "doi.org", "dl.acm.org", "proceedings.neurips.cc", "proceedings.mlr.press", "papers.nips.cc",
}  # fmt: skip
OSS_HOSTS = {"github.com", "gitlab.com", "pypi.org", "crates.io", "www.npmjs.com", "codeberg.org"}


def infer_kind(url: str) -> str:
    host = (urlsplit(url or "").hostname or "").removeprefix("www.")
    path = urlsplit(url or "").path
    if host in PAPER_HOSTS or (host == "huggingface.co" and path.startswith("/papers/")):
        return Topic.Kind.PAPER
    if host in OSS_HOSTS or f"www.{host}" in OSS_HOSTS:
        return Topic.Kind.OSS
    return Topic.Kind.BLOG
