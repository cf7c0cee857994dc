"""A local stand-in for arXiv's search API: answers each `search_query` with a recorded feed.

Served by pytest-httpserver on 127.0.0.1; the settings point ARXIV_API_URL at it and shorten
the shared rate-limit interval. Every request is kept, with the time it arrived.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.links.fixtures import allow_local_server, load

ATOM = "application/atom+xml; charset=utf-8"


@dataclass
class SearchRequest:
    query: str
    args: dict[str, str]
    at: float  # time.monotonic()


@dataclass
class FakeArxiv:
    server: HTTPServer
    answers: dict[str, tuple[str, int]] = field(default_factory=dict)
    requests: list[SearchRequest] = field(default_factory=list)
    default: tuple[str, int] = ("arxiv_search_empty.xml", 200)

    def __post_init__(self) -> None:
        self.server.expect_request("/api/query").respond_with_handler(self._handle)

    def answer(self, query: str, fixture: str, status: int = 200) -> None:
        """Serve `fixture` for this exact search_query."""
        self.answers[query] = (fixture, status)

    def fail_with(self, status: int) -> None:
        """Every query from now on gets this HTTP status (503: arXiv overloaded)."""
        self.answers.clear()
        self.default = ("", status)

    @property
    def queries(self) -> list[str]:
        return [r.query for r in self.requests]

    def _handle(self, request: Request) -> Response:
        query = request.args.get("search_query", "")
        self.requests.append(SearchRequest(query, dict(request.args), time.monotonic()))
        fixture, status = self.answers.get(query, self.default)
        body = load(fixture) if fixture else b"Service Unavailable"
        return Response(body, status=status, content_type=ATOM if fixture else "text/plain")


def fake_arxiv(httpserver: HTTPServer, settings, *, interval: float = 0.05) -> FakeArxiv:
    base = allow_local_server(settings, httpserver)
    settings.ARXIV_API_URL = f"{base}/api/query"
    settings.ARXIV_MIN_INTERVAL = interval
    return FakeArxiv(httpserver)


ATTENTION_PHRASE = 'ti:"attention is all you need"'
MEMORY_TITLE = "Reflective Memory Management for Long-term Dialogue Agents"
MEMORY_PHRASE = 'ti:"reflective memory management for long term dialogue agents"'
MEMORY_TERMS = (
    "ti:reflective AND ti:memory AND ti:management AND ti:long AND ti:term"
    " AND ti:dialogue AND ti:agents"
)
