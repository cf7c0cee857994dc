"""Imported [論文] topics without a URL: queued by the import, reviewed by organizers.

arXiv is a local fake serving recorded-format feeds (tests/links/fake_arxiv.py).
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.papers import paper_matches, tasks, title_search
from apps.papers.models import PaperMatch
from apps.topics.models import Topic
from apps.topics.services import topic_delete, topic_update
from tests import factories
from tests.archive.conftest import fixture_bytes, fixture_text, import_text
from tests.links.fake_arxiv import ATTENTION_PHRASE, MEMORY_TERMS, MEMORY_TITLE, fake_arxiv

pytestmark = pytest.mark.django_db
Status = PaperMatch.Status
PAGE = reverse("papers:matches")


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    """Title-search runs handed to the broker."""
    runs: list[dict] = []
    monkeypatch.setattr(tasks.search_paper_titles, "apply_async", lambda **kw: runs.append(kw))
    return runs


@pytest.fixture
def arxiv(httpserver, settings):
    return fake_arxiv(httpserver, settings)


def suggested_match(title: str = MEMORY_TITLE) -> PaperMatch:
    """A URL-less paper topic with suggestions, as the search leaves it."""
    topic = factories.topic(kind="paper", title=title, url="", notes="")
    paper_matches.paper_matches_queue(topics=Topic.objects.filter(pk=topic.pk))
    match = PaperMatch.objects.get(topic=topic)
    (match,) = paper_matches.paper_match_claim(match_ids=[match.pk])
    return paper_matches.paper_match_suggest(
        match=match,
        title=title,
        suggestions=[
            {
                "arxiv_id": "2503.08026",
                "title": "In Prospect and Retrospect: Reflective Memory Management",
                "authors": ["Zhen Tan", "Jun Yan"],
                "more_authors": 13,
                "year": 2025,
            },
            {
                "arxiv_id": "2410.11122",
                "title": "Memory Management Strategies for Long-term Dialogue Agents",
                "authors": ["Jiro Sato"],
                "more_authors": 0,
                "year": 2024,
            },
        ],
    )


def failed_match() -> PaperMatch:
    topic = factories.topic(kind="paper", title="Attention Is All You Need", url="", notes="")
    paper_matches.paper_matches_queue(topics=Topic.objects.filter(pk=topic.pk))
    (match,) = paper_matches.paper_match_claim(match_ids=[PaperMatch.objects.get(topic=topic).pk])
    return paper_matches.paper_match_fail(
        match=match, reason="http_error", message="相手のサーバーがエラーを返しました（HTTP 503）。"
    )


# --- the import queues the searches ---------------------------------------------------------


def test_an_import_queues_only_its_url_less_paper_topics(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_text(fixture_text("constructs.txt"))

    assert report.status == "created"
    matches = PaperMatch.objects.select_related("topic")
    assert [(m.topic.kind, m.topic.title, m.status) for m in matches] == [
        ("paper", "Attention Is All You Need", Status.PENDING)
    ]
    assert len(sent) == 1  # one worker run, after the meeting committed


class Killed(BaseException):
    """The import's process dies here (kill -9): nothing after this point runs."""


@pytest.mark.django_db(transaction=True)
def test_searches_of_an_import_killed_right_after_its_commit_are_started_by_the_next_sweep(
    sent, monkeypatch, settings
):
    from apps.archive import importer

    settings.LINK_SWEEP_GRACE = 0
    deferred = importer.index_deferred

    @contextmanager
    def dying_after_commit():
        def die() -> None:
            # The flag a dead process may leave says "a run is queued": it is not.
            tasks.cache.add(tasks.PAPER_SEARCH_FLAG, True, timeout=300)
            raise Killed

        transaction.on_commit(die)  # the import's first on-commit work: nothing else runs
        with deferred():
            yield

    monkeypatch.setattr(importer, "index_deferred", dying_after_commit)
    with pytest.raises(Killed):
        import_text(fixture_text("constructs.txt"))
    assert Topic.objects.filter(kind="paper", title="Attention Is All You Need").exists()
    assert sent == []  # no worker was told

    tasks.sweep_paper_searches.apply()

    match = PaperMatch.objects.get(topic__title="Attention Is All You Need")
    assert match.status == Status.PENDING
    assert len(sent) == 1  # the sweep started the run


def test_a_paper_that_came_with_its_url_is_not_searched(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        import_text(fixture_text("constructs.md"), name="constructs.md")

    assert Topic.objects.get(kind="paper").url == "https://arxiv.org/abs/1706.03762"
    assert not PaperMatch.objects.exists()
    assert sent == []


def test_a_dry_run_queues_nothing(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_text(fixture_text("constructs.txt"), dry_run=True)

    assert report.ok
    assert not PaperMatch.objects.exists()
    assert sent == []


def test_a_refused_file_queues_nothing(django_capture_on_commit_callbacks, sent):
    with django_capture_on_commit_callbacks(execute=True):
        report = import_text(fixture_text("no-presenter.txt"))

    assert not report.ok
    assert not PaperMatch.objects.exists()
    assert sent == []


def test_reimporting_queues_nothing_twice(django_capture_on_commit_callbacks, sent):
    import_text(fixture_text("constructs.txt"))
    match = PaperMatch.objects.get()
    PaperMatch.objects.filter(pk=match.pk).update(status=Status.NOT_FOUND)
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        report = import_text(fixture_text("constructs.txt"))

    assert report.status == "unchanged"
    assert list(PaperMatch.objects.values_list("pk", "status")) == [(match.pk, Status.NOT_FOUND)]
    assert sent == []


def test_a_paper_deleted_on_the_board_is_not_queued_on_reimport(
    django_capture_on_commit_callbacks, sent
):
    import_text(fixture_text("constructs.txt"))
    PaperMatch.objects.all().delete()  # as if imported before paper matching existed
    topic_delete(topic=Topic.objects.get(kind="paper"))

    with django_capture_on_commit_callbacks(execute=True):
        import_text(fixture_text("constructs.txt"))

    assert not PaperMatch.objects.exists()


def test_an_archive_imported_before_is_queued_on_reimport(django_capture_on_commit_callbacks, sent):
    import_text(fixture_text("constructs.txt"))
    PaperMatch.objects.all().delete()  # as if imported before paper matching existed

    with django_capture_on_commit_callbacks(execute=True):
        import_text(fixture_text("constructs.txt"))

    assert PaperMatch.objects.get().topic.title == "Attention Is All You Need"


def test_the_upload_page_queues_the_search_and_the_worker_attaches_the_paper(
    organizer_client, arxiv, django_capture_on_commit_callbacks, sent, imports_at_once
):
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")
    upload = SimpleUploadedFile(
        "constructs.txt", fixture_bytes("constructs.txt"), content_type="text/plain"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(reverse("archive:import"), {"files": upload})
    assert len(sent) == 1
    report = organizer_client.get(response["Location"]).content.decode()
    assert f'href="{PAGE}?status=pending">検索待ち</a> <span class="count">1</span>' in report
    tasks.search_paper_titles.apply()

    topic = Topic.objects.get(kind="paper")
    assert topic.url == "https://arxiv.org/abs/1706.03762"
    assert PaperMatch.objects.get().status == Status.MATCHED
    html = organizer_client.get(PAGE + "?status=matched").content.decode()
    assert "arXiv:1706.03762" in html
    assert "自動でURLにしました" in html


# --- who may see and decide -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login():
    match = suggested_match()
    client = Client()
    assert "/login/" in client.get(PAGE)["Location"]
    response = client.post(reverse("papers:match-dismiss", args=[match.pk]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    match.refresh_from_db()
    assert match.status == Status.SUGGESTED


def test_members_get_403_for_the_page_and_every_decision(member_client):
    match = suggested_match()
    assert member_client.get(PAGE).status_code == 403
    for name, data in [
        ("papers:match-confirm", {"arxiv_id": "2503.08026"}),
        ("papers:match-dismiss", {}),
        ("papers:match-search", {}),
    ]:
        assert member_client.post(reverse(name, args=[match.pk]), data).status_code == 403
    match.refresh_from_db()
    assert match.status == Status.SUGGESTED
    assert match.topic.url == ""


def test_decisions_need_a_csrf_token(organizer):
    match = suggested_match()
    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)

    response = client.post(
        reverse("papers:match-confirm", args=[match.pk]), {"arxiv_id": "2503.08026"}
    )

    assert response.status_code == 403
    match.refresh_from_db()
    assert match.status == Status.SUGGESTED


def test_decisions_are_posts_only(organizer_client):
    match = suggested_match()
    assert organizer_client.get(reverse("papers:match-dismiss", args=[match.pk])).status_code == 405


# --- the page ---------------------------------------------------------------------------------


def test_organizers_see_each_paper_with_its_suggestions(organizer_client):
    match = suggested_match()
    topic = match.topic

    html = organizer_client.get(PAGE).content.decode()

    assert MEMORY_TITLE in html
    assert f'href="{topic.block.meeting.get_absolute_url()}#{topic.anchor}"' in html
    assert "In Prospect and Retrospect: Reflective Memory Management" in html
    assert "Zhen Tan, Jun Yan ほか (2025)" in html
    assert 'href="https://arxiv.org/abs/2410.11122"' in html
    assert html.count(f'action="{reverse("papers:match-confirm", args=[match.pk])}"') == 2
    assert f'action="{reverse("papers:match-dismiss", args=[match.pk])}"' in html
    assert "csrfmiddlewaretoken" in html
    assert 'aria-current="page">確認待ち <span class="count">1</span>' in html


def test_no_match_and_failures_are_visible_with_their_reason(organizer_client):
    failed = failed_match()
    topic = factories.topic(kind="paper", title="拡散モデルの蒸留", url="", notes="")
    paper_matches.paper_matches_queue(topics=Topic.objects.filter(pk=topic.pk))
    title_search.search_pending()  # a Japanese title: decided without asking arXiv

    not_found = organizer_client.get(PAGE + "?status=not_found").content.decode()
    failures = organizer_client.get(PAGE + "?status=failed").content.decode()

    assert "拡散モデルの蒸留" in not_found
    assert "英語のタイトルがないため" in not_found
    assert "HTTP 503" in failures
    assert f'action="{reverse("papers:match-search", args=[failed.pk])}"' in failures
    assert "再試行" in failures


def test_a_topic_that_got_its_url_leaves_the_list(organizer_client):
    match = suggested_match()
    topic = match.topic
    topic_update(
        topic=topic,
        expected_version=None,
        kind="paper",
        title=topic.title,
        url="https://arxiv.org/abs/2503.08026",
        notes="",
    )

    html = organizer_client.get(PAGE).content.decode()

    assert MEMORY_TITLE not in html
    assert "この状態の論文はありません" in html


def test_the_page_has_a_fixed_number_of_queries(organizer_client, django_assert_num_queries):
    suggested_match()
    with CaptureQueriesContext(connection) as one:
        organizer_client.get(PAGE)
    expected = len(one)
    for n in range(5):
        suggested_match(title=f"Sparse Attention Variant {n}")
    with django_assert_num_queries(expected):
        response = organizer_client.get(PAGE)
    assert response.content.decode().count('class="card paper-match ') == 6


def test_bad_query_parameters_never_fail(organizer_client):
    suggested_match()
    for query in ["?status=nonsense", "?page=abc", "?page=999", "?status=suggested&page=-1"]:
        assert organizer_client.get(PAGE + query).status_code == 200


def test_the_import_page_shows_what_waits_for_organizers(organizer_client):
    suggested_match()
    failed_match()

    html = organizer_client.get(reverse("archive:import")).content.decode()

    assert f'href="{PAGE}?status=suggested"' in html
    assert '確認待ち</a> <span class="count">1</span>' in html
    assert '検索失敗</a> <span class="count">1</span>' in html


def test_organizers_see_the_note_on_the_topic_card_members_do_not(client, organizer, member):
    match = suggested_match()
    board = match.topic.block.meeting.get_absolute_url()

    client.force_login(organizer)
    assert "候補を確認する" in client.get(board).content.decode()
    client.force_login(member)
    assert "候補を確認する" not in client.get(board).content.decode()


# --- decisions --------------------------------------------------------------------------------


def test_confirming_a_suggestion_attaches_it_and_says_so(organizer_client, organizer, sent):
    match = suggested_match()

    response = organizer_client.post(
        reverse("papers:match-confirm", args=[match.pk]),
        {"arxiv_id": "2503.08026", "tab": "suggested"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?status=suggested"
    match.refresh_from_db()
    topic = Topic.objects.select_related("link").get(pk=match.topic_id)
    assert topic.url == "https://arxiv.org/abs/2503.08026"
    assert (topic.link.kind, topic.link.key) == ("arxiv", "2503.08026")
    assert (match.status, match.arxiv_id, match.resolved_by) == (
        Status.CONFIRMED,
        "2503.08026",
        organizer,
    )
    html = organizer_client.get(response["Location"]).content.decode()
    assert "arXiv:2503.08026 をトピックのURLにしました。" in html
    assert MEMORY_TITLE not in html  # it left the list
    confirmed = organizer_client.get(PAGE + "?status=confirmed").content.decode()
    assert f"@{organizer.display_name} が確認してURLにしました。" in confirmed


def test_confirming_with_htmx_swaps_the_row_and_refreshes_the_tabs(organizer_client):
    match = suggested_match()

    response = organizer_client.post(
        reverse("papers:match-confirm", args=[match.pk]),
        {"arxiv_id": "2410.11122"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == '{"paper-matches-changed": {}}'
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<li class="card paper-match status-confirmed" id="paper-match-{match.pk}"'
    )
    assert "arXiv:2410.11122" in html
    assert "<html" not in html


def test_only_a_suggested_paper_can_be_confirmed(organizer_client):
    match = suggested_match()

    for arxiv_id in ["1706.03762", "", "../../etc/passwd", "x" * 5000]:
        response = organizer_client.post(
            reverse("papers:match-confirm", args=[match.pk]),
            {"arxiv_id": arxiv_id},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 422
        assert "候補にない論文です" in response.content.decode()
    response = organizer_client.post(
        reverse("papers:match-confirm", args=[match.pk]), {"arxiv_id": "1706.03762"}, follow=True
    )
    assert "候補にない論文です" in response.content.decode()
    match.refresh_from_db()
    assert match.status == Status.SUGGESTED
    assert match.topic.url == ""


def test_confirming_leaves_a_topic_alone_that_got_its_url_meanwhile(organizer_client):
    match = suggested_match()
    topic = match.topic
    topic_update(
        topic=topic,
        expected_version=None,
        kind="paper",
        title=topic.title,
        url="https://openreview.net/forum?id=rmm",
        notes="",
    )

    response = organizer_client.post(
        reverse("papers:match-confirm", args=[match.pk]), {"arxiv_id": "2503.08026"}, follow=True
    )

    topic.refresh_from_db()
    match.refresh_from_db()
    assert topic.url == "https://openreview.net/forum?id=rmm"
    assert match.status == Status.SUPERSEDED
    assert "すでにURLがあるため、変更しませんでした" in response.content.decode()


def test_dismissing_keeps_the_topic_without_url(organizer_client, organizer):
    match = suggested_match()

    response = organizer_client.post(reverse("papers:match-dismiss", args=[match.pk]), follow=True)

    match.refresh_from_db()
    assert (match.status, match.resolved_by) == (Status.DISMISSED, organizer)
    assert match.topic.url == ""
    html = response.content.decode()
    assert "該当なしにしました" in html
    assert MEMORY_TITLE not in html
    assert MEMORY_TITLE in organizer_client.get(PAGE + "?status=dismissed").content.decode()


def test_a_second_decision_on_the_same_paper_is_harmless(organizer_client):
    match = suggested_match()
    organizer_client.post(reverse("papers:match-dismiss", args=[match.pk]))

    response = organizer_client.post(
        reverse("papers:match-confirm", args=[match.pk]), {"arxiv_id": "2503.08026"}, follow=True
    )

    assert response.status_code == 200
    assert "すでに処理されています" in response.content.decode()
    match.refresh_from_db()
    assert match.status == Status.DISMISSED
    assert match.topic.url == ""


def test_an_unknown_paper_is_404(organizer_client):
    assert organizer_client.post(reverse("papers:match-dismiss", args=[999999])).status_code == 404


def test_a_failed_search_is_retried_from_the_page(
    organizer_client, arxiv, sent, django_capture_on_commit_callbacks
):
    match = failed_match()
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("papers:match-search", args=[match.pk]), {"tab": "failed"}
        )

    assert response["Location"] == f"{PAGE}?status=failed"
    match.refresh_from_db()
    assert (match.status, match.message) == (Status.PENDING, "")
    assert len(sent) == 1
    tasks.search_paper_titles.apply()
    match.refresh_from_db()
    assert match.status == Status.MATCHED
    assert match.topic.url == "https://arxiv.org/abs/1706.03762"


def test_a_corrected_title_is_searched_again(organizer_client, arxiv, sent):
    arxiv.answer(MEMORY_TERMS, "arxiv_search_memory.xml")
    match = suggested_match(title="Reflective Memory Managment")  # a typo: suggestions
    topic = match.topic
    topic_update(
        topic=topic,
        expected_version=None,
        kind="paper",
        notes="",
        url="",
        title="In Prospect and Retrospect: Reflective Memory Management for Long-term "
        "Personalized Dialogue Agents",
    )
    arxiv.answer(
        'ti:"in prospect and retrospect reflective memory management for long term '
        'personalized dialogue agents"',
        "arxiv_search_memory.xml",
    )

    organizer_client.post(reverse("papers:match-search", args=[match.pk]))
    tasks.search_paper_titles.apply()

    match.refresh_from_db()
    assert match.status == Status.MATCHED
    assert match.topic.url == "https://arxiv.org/abs/2503.08026"
