"""Every page type under the Content-Security-Policy, in a real browser: any violation (a
`securitypolicyviolation` event, a CSP message on the console) or script error fails.

The pages are filled with what they really show (a card with its thumbnail, notes, remarks,
a main topic with its table of contents, search hits), and the htmx interactions that swap
parts of a page run too, since a swap is where an inline script or style would appear."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from apps.links.models import Link
from apps.papers.models import Paper
from apps.search.rebuild import rebuild_index
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.sourceFile + ":" + e.lineNumber;
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " @ " + where);
});
"""


def _webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 336), (30, 90, 200)).save(out, "WEBP")
    return out.getvalue()


@pytest.fixture
def watched(page):
    """The page, with every CSP violation, console error and uncaught error collected."""
    problems: list[str] = []
    page.add_init_script(WATCH)

    def on_console(msg):
        # A failed load is reported below with its URL; the 404 page itself is expected.
        if msg.text.startswith("Failed to load resource"):
            return
        if msg.type == "error" or "Content Security Policy" in msg.text:
            problems.append(f"console {msg.type}: {msg.text}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.problems = problems
    return page


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert "default-src 'self'" in (response.headers.get("content-security-policy") or ""), url
    page.wait_for_load_state("networkidle")


def _check(page, where: str) -> None:
    violations = page.evaluate("window.__violations || []")
    assert not violations, f"{where}: {violations}"
    assert not page.problems, f"{where}: {page.problems}"


def _board():
    meeting = factories.meeting(
        date=dt.date.today() + dt.timedelta(days=2),
        title="次回の勉強会",
        guidance="今週のTOPIC\n\n- ※ 発表は **5分** まで",
    )
    presenter = factories.MemberFactory(handle="fr", display_name="Fumika")
    topic = factories.topic(
        meeting=meeting,
        presenter=presenter,
        kind="paper",
        title="Attention Is All You Need",
        url="https://arxiv.org/abs/1706.03762",
        notes="- 自己注意\n    - `softmax(QK^T)V`\n- [論文](https://arxiv.org/abs/1706.03762)",
    )
    link = Link.objects.get(pk=topic.link_id)
    link.status = "ok"
    link.title = "Attention Is All You Need"
    link.authors = ["Ashish Vaswani", "Noam Shazeer"]
    link.description = "The dominant sequence transduction models…"
    link.extra = {
        "arxiv_id": "1706.03762",
        "pdf_url": "https://arxiv.org/pdf/1706.03762",
        "category_names": {"cs.CL": "Computation and Language"},
    }
    link.thumbnail.save("t.webp", ContentFile(_webp()), save=False)
    link.save()
    factories.remark(topic=topic, body="めちゃ速い")
    factories.topic(
        meeting=meeting, kind="oss", title="Memray", url="https://github.com/bloomberg/memray"
    )
    deep_dive = factories.deep_dive(meeting=meeting)
    factories.remark_create_on_deep_dive(deep_dive=deep_dive)
    return meeting, topic


def test_every_page_type_loads_without_a_policy_violation(watched, login, live_server):
    meeting, topic = _board()
    past = factories.meeting(date=dt.date(2025, 3, 28), title="過去の会")
    factories.topic(meeting=past, title="位置バイアス", notes="- RAG の位置バイアス")
    rebuild_index()
    organizer = factories.MemberFactory(
        handle="boss", is_organizer=True, is_staff=True, is_superuser=True
    )
    paper = Paper.objects.first()
    login(organizer)
    base = live_server.url
    day = meeting.date.isoformat()
    pages = [
        "/",
        f"/meetings/{day}/",
        f"/meetings/{day}/agenda/",
        f"/meetings/{day}/present/",
        f"/meetings/{day}/edit/",
        "/meetings/",
        "/meetings/new/",
        reverse("topics:edit", args=[topic.pk]),
        "/archive/",
        "/archive/2025/",
        "/archive/2025/3/",
        f"/archive/members/{topic.block.presenter.handle}/",
        "/archive/kinds/paper/",
        "/archive/categories/",
        "/search/?q=バイアス",
        "/papers/",
        "/papers/import/",
        "/queue/",
        reverse("topics:materials", args=[topic.pk]),
        "/notes/import/",
        "/notes/papers/",
        "/group/settings/",
        "/group/feeds/",
        "/accounts/members/",
        "/accounts/me/",
        "/accounts/me/profile/",
        "/accounts/me/password/",
        "/no-such-page/",
        "/admin/",
        "/admin/accounts/user/",
    ]
    if paper is not None:
        pages.append(paper.get_absolute_url())
    for path in pages:
        _visit(watched, base + path)
        _check(watched, path)

    watched.context.clear_cookies()
    _visit(watched, base + "/accounts/login/")
    _check(watched, "login")


def test_htmx_swaps_on_the_board_cause_no_violation(watched, login, live_server):
    _meeting, topic = _board()
    member = factories.MemberFactory(handle="pon", display_name="Pon")
    page = login(member)
    _check(page, "board")

    card = page.locator(f"#{topic.anchor}")
    card.get_by_text("コメントする").click()
    card.locator("textarea[name=body]").fill("<img src=x onerror=alert(1)> 速い")
    card.get_by_role("button", name="送信").click()
    expect(page.locator(f"#{topic.anchor} .remark").last).to_contain_text("速い")
    # The add form was emptied by site.js (it was an hx-on attribute before).
    expect(card.locator("textarea[name=body]")).to_have_value("")
    _check(page, "remark added")

    page.locator("#add-topic summary").click()
    add = page.locator("#add-topic-form")
    add.get_by_label("タイトル").fill("新しい話題")
    add.get_by_label("メモ").fill("- **太字** と `code`\n- <script>alert(1)</script>")
    add.get_by_role("tab", name="プレビュー").click()
    expect(add.locator(".preview-body strong")).to_have_text("太字")
    _check(page, "preview")
    add.get_by_role("button", name="追加").click()
    expect(page.locator(".topic-title").get_by_text("新しい話題")).to_be_visible()
    expect(add.get_by_label("タイトル")).to_have_value("")
    _check(page, "topic added")
