"""The archive search page: a thin GET view.

The search page answers htmx requests with only the region the request targets
(`#search-results` while typing, `#search-page` for facet and page links), and the full page
otherwise, so everything works without JavaScript too.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from apps.core.htmx import HtmxHttpRequest

from . import selectors
from .query import MAX_QUERY_CHARS, parse_query

_REGIONS = {"search-results", "search-page"}


def search(request: HtmxHttpRequest):
    # Cap before parsing: a query string can be megabytes.
    raw = request.GET.get("q", "")[: MAX_QUERY_CHARS * 2]
    query = parse_query(raw)
    results = selectors.search(query, page=request.GET.get("page"))
    template = "search/search.html"
    htmx = request.htmx
    if htmx and not htmx.history_restore_request and htmx.target in _REGIONS:
        template = f"{template}#{htmx.target}"
    response = render(request, template, {"results": results, "q": query.raw})
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
