"""Metadata resolvers: one per kind of link, all fetching through ``safe_http``.

``resolve`` dispatches one target. arXiv papers are better fetched in batches with
``arxiv.fetch_arxiv`` under the shared rate limit; ``resolve`` handles a single paper too
(for ``manage.py fetch_link``), and then the caller owns the pacing.
"""

from __future__ import annotations

from apps.core.http.safe_http import FetchError
from apps.links.canonical import LinkTarget
from apps.links.metadata import Metadata
from apps.links.provider_limits import fallback_wait, require_slot, take_slot
from apps.links.resolvers.arxiv import fetch_arxiv
from apps.links.resolvers.github import fetch_github
from apps.links.resolvers.github_items import fetch_item, is_item
from apps.links.resolvers.html import fetch_page
from apps.links.resolvers.huggingface import fetch_hub, hub_repo
from apps.links.resolvers.jp_blogs import fetch_jp_blog, jp_blog
from apps.links.resolvers.pypi import fetch_pypi
from apps.links.resolvers.scholarly import fetch_scholarly, scholarly_source
from apps.links.resolvers.x_posts import fetch_x_post, x_post

__all__ = ["resolve"]


def resolve(target: LinkTarget, *, timeout: float = 10.0) -> Metadata:
    """Metadata for one canonical target; FetchError when it cannot be had."""
    if target.kind == "github":
        require_slot("github")
        if is_item(target.key):
            return fetch_item(target.key, timeout=timeout)
        return fetch_github(target.key, timeout=timeout)
    if target.kind == "pypi":
        return fetch_pypi(target.key, timeout=timeout)
    if target.kind == "arxiv":
        found = fetch_arxiv([target.key], timeout=max(timeout, 20.0))
        if target.key not in found:
            raise FetchError("http_error", status=404, detail=f"arXiv has no {target.key}")
        return found[target.key]
    return _web(target.canonical_url, timeout=timeout)


def _web(url: str, *, timeout: float) -> Metadata:
    """A web page, through its site's API where the site has one worth asking."""
    hub = hub_repo(url)
    if hub is not None:
        require_slot("huggingface")
        return fetch_hub(*hub, timeout=timeout)
    post = x_post(url)
    if post is not None:
        require_slot("x")
        return fetch_x_post(*post, timeout=timeout)
    blog = jp_blog(url)
    if blog is not None:
        # No slot soon: the article page (not limited) still makes a card, without likes.
        api = take_slot(blog[0], wait=fallback_wait())
        return fetch_jp_blog(*blog, url, timeout=timeout, api=api)
    paper = scholarly_source(url)
    if paper is not None:
        require_slot(paper[0])
        return fetch_scholarly(*paper, timeout=timeout)
    return fetch_page(url, timeout=timeout)
