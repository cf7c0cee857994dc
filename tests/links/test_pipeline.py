"""From a pasted URL to a card: topic save → Link → fetch task → metadata + thumbnail."""

from __future__ import annotations

import contextlib
import io
import json
import socket
import threading

import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from PIL import Image
from pytest_httpserver import HTTPServer

from apps.group.selectors import group_settings
from apps.links import fetching, tasks
from apps.links.models import Link
from apps.links.resolvers import resolve
from apps.topics.models import Topic
from tests import factories
from tests.links.fixtures import allow_local_server, load

pytestmark = pytest.mark.django_db
ATOM = "application/atom+xml; charset=utf-8"


def png_bytes(size=(1200, 630), color=(30, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    document = pdfium.PdfDocument.new()
    document.new_page(612, 792)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def local(httpserver: HTTPServer, settings) -> str:
    base = allow_local_server(settings, httpserver)
    settings.ARXIV_API_URL = f"{base}/api/query"
    settings.ARXIV_MIN_INTERVAL = 0.05
    settings.GITHUB_API_URL = base
    settings.GITHUB_SOCIAL_IMAGE_URL = base
    settings.PYPI_URL = base
    return base


def serve_arxiv(httpserver: HTTPServer, base: str) -> None:
    feed = load("arxiv_three.xml").replace(b"http://arxiv.org/pdf/", f"{base}/pdf/".encode())
    httpserver.expect_request("/api/query").respond_with_data(feed, content_type=ATOM)
    httpserver.expect_request("/pdf/1706.03762v7").respond_with_data(
        pdf_bytes(), content_type="application/pdf"
    )


def test_pasting_arxiv_urls_in_any_form_makes_one_paper_link(local):
    meeting = factories.meeting()
    forms = [
        "https://arxiv.org/abs/1706.03762",
        "https://arxiv.org/pdf/1706.03762v7",
        "https://www.alphaxiv.org/abs/1706.03762",
        "https://huggingface.co/papers/1706.03762",
    ]
    topics = [factories.topic(meeting=meeting, url=url, kind="auto", title="") for url in forms]

    assert Link.objects.count() == 1
    link = Link.objects.get()
    assert (link.kind, link.key, link.status) == ("arxiv", "1706.03762", "pending")
    assert {t.link_id for t in topics} == {link.pk}
    assert {t.kind for t in topics} == {"paper"}


def test_waiting_papers_go_out_in_one_request_and_fill_the_cards(local, httpserver):
    serve_arxiv(httpserver, local)
    meeting = factories.meeting()
    for paper in ("1706.03762", "1810.04805", "hep-th/9711200"):
        factories.topic(
            meeting=meeting, url=f"https://arxiv.org/abs/{paper}", kind="auto", title=""
        )

    stored = fetching.fetch_arxiv_pending()

    api_calls = [r for r, _ in httpserver.log if r.path == "/api/query"]
    assert len(api_calls) == 1
    assert len(stored) == 3
    topic = Topic.objects.get(link__key="1706.03762")
    assert topic.title == "Attention Is All You Need"  # an empty title is filled from the paper
    assert topic.link.extra["primary_category"] == "cs.CL"
    assert topic.link.extra["category_names"]["cs.LG"] == "Machine Learning"


def test_paper_thumbnail_is_the_first_pdf_page_as_webp(local, httpserver):
    serve_arxiv(httpserver, local)
    factories.topic(url="https://arxiv.org/abs/1706.03762", title="")
    fetching.fetch_arxiv_pending()
    link = Link.objects.get()

    assert fetching.store_thumbnail(link)

    link.refresh_from_db()
    image = Image.open(link.thumbnail.open("rb"))
    assert image.format == "WEBP"
    assert image.width <= 640


def test_the_members_own_title_and_kind_win_over_the_metadata(local, httpserver):
    serve_arxiv(httpserver, local)
    topic = factories.topic(
        url="https://arxiv.org/abs/1706.03762", title="Transformer 原論文", kind="blog"
    )

    fetching.fetch_arxiv_pending()

    topic.refresh_from_db()
    assert (topic.title, topic.kind) == ("Transformer 原論文", "blog")


def test_unknown_arxiv_id_fails_with_a_clear_reason(local, httpserver):
    httpserver.expect_request("/api/query").respond_with_data(
        load("arxiv_empty.xml"), content_type=ATOM
    )
    topic = factories.topic(url="https://arxiv.org/abs/2501.99999", title="")

    fetching.fetch_arxiv_pending()

    link = Link.objects.get(pk=topic.link_id)
    assert link.status == "failed"
    assert "見つかりませんでした" in link.failure_message
    assert Topic.objects.filter(pk=topic.pk).exists()  # the topic is never lost


def test_github_card_through_the_celery_task(local, httpserver):
    httpserver.expect_request("/repos/bloomberg/memray").respond_with_data(
        load("github_repo.json"), content_type="application/json"
    )
    full_name = json.loads(load("github_repo.json"))["full_name"]
    httpserver.expect_request(f"/1/{full_name}").respond_with_data(
        png_bytes(), content_type="image/png"
    )
    topic = factories.topic(
        url="https://github.com/bloomberg/memray/tree/main/src", kind="auto", title=""
    )

    tasks.fetch_link.apply(args=[topic.link_id])
    tasks.make_thumbnail.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert link.status == "ok"
    assert link.extra["stars"] == json.loads(load("github_repo.json"))["stargazers_count"]
    assert link.thumbnail.name.endswith(".webp")
    topic.refresh_from_db()
    assert topic.kind == "oss"
    assert topic.title


def test_a_link_fetched_once_counts_one_attempt(local, httpserver):
    httpserver.expect_request("/post").respond_with_data(
        '<html><head><meta property="og:title" content="一度で取れた記事"></head></html>',
        content_type="text/html; charset=utf-8",
    )
    topic = factories.topic(url=f"{local}/post", title="")

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert (link.status, link.title, link.attempts) == ("ok", "一度で取れた記事", 1)


def test_permanent_failure_is_not_retried(local, httpserver):
    httpserver.expect_request("/gone").respond_with_data("gone", status=404)
    topic = factories.topic(url=f"{local}/gone", title="消えたページ")

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert (link.status, link.failure_reason) == ("failed", "http_error")
    assert len(httpserver.log) == 1


def test_transient_failure_is_retried_then_reported(local, httpserver):
    httpserver.expect_request("/busy").respond_with_data("busy", status=503)
    topic = factories.topic(url=f"{local}/busy", title="混雑")

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert link.status == "failed"
    assert len(httpserver.log) == tasks.MAX_RETRIES + 1


def test_a_fetch_cut_mid_headers_by_the_deadline_is_a_retried_timeout(settings, monkeypatch):
    # A server that sends its status line and then one header line at a time, never the end.
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    stop = threading.Event()
    connections = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except TimeoutError:
                continue
            connections.append(conn)
            with conn, contextlib.suppress(OSError):
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                while not stop.wait(0.05):
                    conn.sendall(b"X-Drip: 1\r\n")
                    if len(connections) > 10:
                        return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.LINK_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.LINK_FETCH_ALLOWED_PORTS = [port]
    monkeypatch.setattr(fetching, "resolve", lambda target: resolve(target, timeout=0.4))
    monkeypatch.setattr(tasks, "backoff", lambda retries: 0)
    try:
        topic = factories.topic(url=f"http://127.0.0.1:{port}/slow", title="遅いページ")
        tasks.fetch_link.apply(args=[topic.link_id])
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()

    link = Link.objects.get(pk=topic.link_id)
    assert (link.status, link.failure_reason) == ("failed", "timeout")
    assert "時間内に応答しませんでした" in link.failure_message
    assert len(connections) == tasks.MAX_RETRIES + 1  # retried, as a timeout is


def test_blocked_address_is_refused_and_said_so(settings):
    settings.LINK_FETCH_ALLOWED_NETWORKS = []
    topic = factories.topic(url="http://10.0.0.5/admin", title="社内")

    tasks.fetch_link.apply(args=[topic.link_id])

    link = Link.objects.get(pk=topic.link_id)
    assert (link.status, link.failure_reason) == ("failed", "blocked_address")
    assert "許可されていないアドレス" in link.failure_message


def test_board_shows_waiting_ok_and_failed_cards(member_client, local, httpserver):
    meeting = factories.meeting()
    waiting = factories.topic(meeting=meeting, url="https://example.com/post", title="待ち")
    failed = factories.topic(meeting=meeting, url="https://example.org/x", title="失敗")
    Link.objects.filter(pk=failed.link_id).update(
        status="failed",
        failure_reason="timeout",
        failure_message="相手のサーバーが時間内に応答しませんでした。",
    )

    html = member_client.get(meeting.get_absolute_url()).content.decode()

    assert "取得中…" in html
    assert f'hx-get="/links/{waiting.link_id}/card/?slot={waiting.anchor}"' in html
    assert "相手のサーバーが時間内に応答しませんでした。" in html
    assert reverse("links:retry", args=[failed.link_id]) in html


def test_polled_card_stops_polling_once_fetched(member_client):
    topic = factories.topic(url="https://example.com/post", title="x")
    Link.objects.filter(pk=topic.link_id).update(
        status="ok", title="Example post", site_name="Example"
    )

    html = member_client.get(
        reverse("links:card", args=[topic.link_id]) + f"?slot={topic.anchor}"
    ).content.decode()

    assert "Example post" in html
    assert "hx-trigger" not in html


def test_retry_button_queues_the_link_again(member_client):
    topic = factories.topic(url="https://example.com/post", title="x")
    Link.objects.filter(pk=topic.link_id).update(status="failed", failure_reason="timeout")

    response = member_client.post(
        reverse("links:retry", args=[topic.link_id]) + f"?slot={topic.anchor}"
    )

    assert response.status_code == 200
    assert Link.objects.get(pk=topic.link_id).status == "pending"
    assert "取得中…" in response.content.decode()


def test_card_slot_parameter_is_validated(member_client):
    topic = factories.topic(url="https://example.com/post", title="x")

    response = member_client.get(reverse("links:card", args=[topic.link_id]) + '?slot="><script>')

    assert response.status_code == 404


def test_earlier_presentations_are_shown_on_the_card_and_in_the_add_form(member_client):
    import datetime as dt

    earlier = factories.meeting(date=dt.date(2025, 1, 10))
    later = factories.meeting(date=dt.date(2025, 3, 28))
    presenter = factories.MemberFactory(display_name="Fumika")
    factories.topic(
        meeting=earlier, presenter=presenter, url="https://arxiv.org/abs/1706.03762", title="初回"
    )
    again = factories.topic(meeting=later, url="https://arxiv.org/pdf/1706.03762v7", title="二回目")

    board = member_client.get(later.get_absolute_url()).content.decode()
    check = member_client.get(
        reverse("papers:earlier-presentations"), {"url": "https://arxiv.org/abs/1706.03762v2"}
    ).content.decode()

    card = board[board.index(f'id="{again.anchor}"') :]
    assert "既出" in card[: card.index("</article>")]
    assert "2025-01-10 @Fumika" in card
    assert "2025-01-10 @Fumika" in check


def test_sweep_requeues_links_left_pending(settings, monkeypatch):
    settings.LINK_SWEEP_GRACE = 0
    topic = factories.topic(url="https://example.com/lost", title="キューに入らなかった")
    queued = []
    monkeypatch.setattr(tasks.fetch_link, "delay", lambda link_id: queued.append(link_id))

    tasks.sweep_links.apply()

    assert queued == [topic.link_id]


def test_board_query_count_stays_flat_with_link_cards(member_client, django_assert_max_num_queries):
    group_settings()  # the row exists, as on any running board
    meeting = factories.meeting()
    for i in range(12):
        factories.topic(meeting=meeting, url=f"https://example.com/post-{i}", title=f"t{i}")

    # The board's own queries (uploaded slides, 聞きたい votes and the group's settings
    # included), none per card.
    with django_assert_max_num_queries(15):
        member_client.get(meeting.get_absolute_url())


def test_many_waiting_papers_queue_a_single_batch(monkeypatch):
    queued = []
    monkeypatch.setattr(
        tasks.fetch_arxiv_batch, "apply_async", lambda **kwargs: queued.append(kwargs)
    )
    meeting = factories.meeting()
    topics = [
        factories.topic(meeting=meeting, url=f"https://arxiv.org/abs/2501.{i:05d}", title="")
        for i in range(1, 6)
    ]

    for topic in topics:
        tasks.fetch_link.apply(args=[topic.link_id])

    assert len(queued) == 1  # one batch, a moment later, takes all five


def test_claiming_is_one_statement_and_skips_what_others_took():
    meeting = factories.meeting()
    links = [
        factories.topic(meeting=meeting, url=f"https://example.com/{i}", title="x").link
        for i in range(3)
    ]
    Link.objects.filter(pk=links[0].pk).update(status="fetching")

    from apps.links.services import link_claim

    claimed = link_claim(link_ids=[link.pk for link in links])

    assert [link.pk for link in claimed] == [links[1].pk, links[2].pk]


def test_batch_waits_while_papers_are_still_being_pasted(monkeypatch, local, httpserver):
    import datetime as dt

    serve_arxiv(httpserver, local)
    requeued = []
    monkeypatch.setattr(
        tasks.fetch_arxiv_batch, "apply_async", lambda **kwargs: requeued.append(kwargs)
    )
    topic = factories.topic(url="https://arxiv.org/abs/1706.03762", title="")

    assert tasks.fetch_arxiv_batch.apply().result == 0  # the paper arrived a moment ago: wait
    assert len(requeued) == 1
    assert not [r for r, _ in httpserver.log if r.path == "/api/query"]

    Link.objects.filter(pk=topic.link_id).update(
        created_at=Link.objects.get(pk=topic.link_id).created_at - dt.timedelta(seconds=5)
    )
    assert tasks.fetch_arxiv_batch.apply().result == 1  # quiet now: one request for everything
