"""The XSS corpus in a real browser, with the Content-Security-Policy taken off: this counts
what the escaping and the sanitizer alone let run. `alert`, `confirm`, `prompt` and `print` are
watched, and so is every request the page makes after it has loaded (htmx
attributes in stored HTML, `<img src>` beacons, refreshes)."""

from __future__ import annotations

import pytest

from apps.search.rebuild import rebuild_index
from tests import factories
from tests.security.scan import xss_vectors
from tests.security.test_xss_corpus import fill_board, stored

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
VECTORS = xss_vectors()

WATCH = """
window.__executed = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = function () { window.__executed.push(name + ":" + [...arguments].join(",")); };
}
"""


def _without_policy(route):
    # Only the board itself answers; images members link to elsewhere (allowed Markdown,
    # and blocked by the policy's img-src in real use) are refused here: no network.
    if not route.request.url.startswith(("http://localhost", "http://127.0.0.1")):
        route.abort()
        return
    response = route.fetch()
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
    route.fulfill(response=response, headers=headers)


def _run(page, url: str) -> tuple[list[str], list[str]]:
    """(what ran, requests made after the load) for `url`."""
    later: list[str] = []
    loaded = {"done": False}
    page.on("request", lambda r: later.append(f"{r.method} {r.url}") if loaded["done"] else None)
    page.route("**/*", _without_policy)
    page.add_init_script(WATCH)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    loaded["done"] = True
    page.wait_for_timeout(1500)  # triggers such as `load`, `every 1s`, timers
    return page.evaluate("window.__executed"), later


def _polls(requests: list[str]) -> list[str]:
    # The page's own polling (board revision, waiting cards) is expected traffic.
    own = ("/revision/", "/card/?slot=", "/static/img/favicon.svg")
    return [r for r in requests if not any(part in r for part in own)]


def test_the_watch_sees_a_script_that_runs(login, live_server):
    """Stored HTML that skipped the sanitizer does run here: the watch is not blind."""
    from apps.topics.models import Topic

    meeting, _ = fill_board(["harmless"], meeting=factories.meeting())
    Topic.objects.filter(block__meeting=meeting).update(
        notes_html='<img src="/no-such.png" onerror="alert(7)">'
    )
    meeting.revision += 1
    meeting.save()
    page = login(factories.MemberFactory(handle="reader"))

    executed, _requests = _run(page, live_server.url + meeting.get_absolute_url())

    assert executed == ["alert:7"]


def test_no_vector_runs_on_the_board(login, live_server):
    meeting, _ = fill_board(VECTORS, meeting=factories.meeting())
    page = login(factories.MemberFactory(handle="reader"))

    executed, requests = _run(page, live_server.url + meeting.get_absolute_url())

    assert page.locator("article.topic").count() >= len(VECTORS)  # they are all there
    assert executed == []
    assert _polls(requests) == []


def test_no_vector_runs_in_guidance_main_topic_or_search(login, live_server):
    text = "\n\n".join(map(stored, VECTORS))
    meeting = factories.meeting(guidance=text)
    factories.deep_dive(meeting=meeting, title="Vectors", body="## 目次\n\n" + text)
    fill_board(VECTORS[:60], meeting=factories.meeting())
    rebuild_index()
    page = login(factories.MemberFactory(handle="reader"))

    executed, requests = _run(page, live_server.url + meeting.get_absolute_url())
    assert executed == []
    assert _polls(requests) == []

    executed, requests = _run(page, live_server.url + "/search/?q=ベクトル")
    assert page.locator(".snippet").count() >= 10
    assert executed == []
    assert _polls(requests) == []
