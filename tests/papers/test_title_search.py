"""Imported [論文] topics without a URL: arXiv title search, exact match, suggestions, failures.

arXiv is a local fake (tests/links/fake_arxiv.py) serving recorded-format Atom feeds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.http.safe_http import FetchError
from apps.links import tasks as link_tasks
from apps.links.models import Link
from apps.links.ratelimit import rate_slot
from apps.links.resolvers.arxiv_search import search_arxiv, title_queries
from apps.meetings.models import Meeting
from apps.papers import paper_matches, tasks, title_search
from apps.papers.models import PaperMatch
from apps.search.models import SearchEntry
from apps.topics.services import topic_delete, topic_update
from tests import factories
from tests.links.fake_arxiv import (
    ATTENTION_PHRASE,
    MEMORY_PHRASE,
    MEMORY_TERMS,
    MEMORY_TITLE,
    fake_arxiv,
)

Status = PaperMatch.Status


@pytest.fixture
def arxiv(httpserver, settings):
    return fake_arxiv(httpserver, settings)


def paper_topic(title: str, **fields):
    fields.setdefault("notes", "")
    return factories.topic(kind="paper", title=title, url="", **fields)


def queued(topic) -> PaperMatch:
    paper_matches.paper_matches_queue(topics=type(topic).objects.filter(pk=topic.pk))
    return PaperMatch.objects.get(topic=topic)


# --- titles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "attention is all you need",
        "Attention Is All You Need.",
        "Ａｔｔｅｎｔｉｏｎ　Ｉｓ　Ａｌｌ　Ｙｏｕ　Ｎｅｅｄ",  # full-width, as typed with an IME
        "  Attention  is all\nyou need ",
        "Attention Is All You {Need}",
        "“Attention Is All You Need”",
    ],
)
def test_titles_that_differ_in_case_width_spacing_punctuation_or_braces_are_one_title(variant):
    assert title_search.title_key(variant) == title_search.title_key("Attention Is All You Need")


def test_hyphens_and_latex_markup_do_not_make_another_title():
    bert = "BERT: Pre-training of Deep Bidirectional Transformers"
    assert title_search.title_key(
        "\\textsc{BERT} - Pretraining of deep bidirectional transformers"
    ) == (title_search.title_key(bert))


def test_another_word_is_another_title():
    key = title_search.title_key
    assert key("Attention Is All You Need") != key("Attention Is All You Need in Speech Separation")
    assert key("Attention Is All You Need") != key("Attention Is Not All You Need")


def test_queries_are_the_phrase_then_the_content_words():
    assert title_queries("Attention Is All You Need") == [
        ATTENTION_PHRASE,
        "ti:attention AND ti:all AND ti:you AND ti:need",  # "is": the index has no stop words
    ]
    assert title_queries(MEMORY_TITLE) == [MEMORY_PHRASE, MEMORY_TERMS]


def test_query_syntax_in_a_title_cannot_change_the_query():
    phrase, terms = title_queries('Why "AND" (or OR) Matters: ti:x au:y')
    assert phrase == 'ti:"why and or or matters ti x au y"'
    assert terms == "ti:why AND ti:matters AND ti:ti AND ti:x AND ti:au AND ti:y"


@pytest.mark.parametrize("title", ["拡散モデルのサーベイ", "LLM", "RAGの評価手法", "   "])
def test_titles_with_too_little_english_are_not_searched(title):
    assert title_queries(title) == []


# --- the search request -------------------------------------------------------------------


def test_one_search_request_lists_the_papers_best_first(arxiv):
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")

    found = search_arxiv(ATTENTION_PHRASE)

    (request,) = arxiv.requests
    assert request.args["search_query"] == ATTENTION_PHRASE
    assert request.args["sortBy"] == "relevance"
    assert request.args["max_results"] == "10"
    assert [c.arxiv_id for c in found] == ["2010.13154", "1706.03762", "2306.01705"]
    vaswani = found[1]
    assert vaswani.title == "Attention Is All You Need"
    assert vaswani.authors == (
        "Ashish Vaswani",
        "Noam Shazeer",
        "Niki Parmar",
        "Jakob Uszkoreit",
        "Llion Jones",
    )
    assert vaswani.more_authors == 3
    assert vaswani.year == 2017
    assert found[2].title.startswith("Is Attention All You Need? On the Expressivity")  # one line


def test_the_search_goes_through_the_ssrf_rules(settings, no_network):
    settings.ARXIV_API_URL = "http://10.0.0.5/api/query"
    with pytest.raises(FetchError) as excinfo:
        search_arxiv(ATTENTION_PHRASE)
    assert excinfo.value.reason == "blocked_address"


# --- outcomes -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_exact_title_match_attaches_the_paper_through_the_topic_service(
    arxiv, django_capture_on_commit_callbacks, monkeypatch
):
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")
    fetches = []
    monkeypatch.setattr(link_tasks.fetch_link, "delay", lambda link_id: fetches.append(link_id))
    topic = paper_topic("Attention is all you need", notes="- Transformer の原論文")
    match = queued(topic)
    revision = Meeting.objects.get(pk=topic.block.meeting_id).revision

    with django_capture_on_commit_callbacks(execute=True):
        assert title_search.search_pending() == 1

    topic.refresh_from_db()
    match.refresh_from_db()
    assert topic.url == "https://arxiv.org/abs/1706.03762"
    assert (topic.title, topic.kind, topic.notes) == (
        "Attention is all you need",
        "paper",
        "- Transformer の原論文",
    )
    assert (match.status, match.arxiv_id, match.resolved_by) == (Status.MATCHED, "1706.03762", None)
    assert match.resolved_at is not None
    link = Link.objects.get(pk=topic.link_id)
    assert (link.kind, link.key) == ("arxiv", "1706.03762")
    assert fetches == [link.pk]  # the card is fetched like any pasted URL
    assert Meeting.objects.get(pk=topic.block.meeting_id).revision > revision
    assert SearchEntry.objects.get(topic=topic, source="topic").url == topic.url
    assert arxiv.queries == [ATTENTION_PHRASE]  # the phrase found it: no second query


@pytest.mark.django_db
def test_a_near_match_leaves_suggestions_most_alike_first(arxiv):
    arxiv.answer(MEMORY_TERMS, "arxiv_search_memory.xml")  # the phrase finds nothing
    topic = paper_topic(MEMORY_TITLE)
    match = queued(topic)

    title_search.search_pending()

    match.refresh_from_db()
    topic.refresh_from_db()
    assert topic.url == ""
    assert topic.link_id is None
    assert match.status == Status.SUGGESTED
    assert arxiv.queries == [MEMORY_PHRASE, MEMORY_TERMS]
    assert [s["arxiv_id"] for s in match.suggestions] == ["2503.08026", "2410.11122"]
    rmm = match.suggestions[0]
    assert rmm["title"] == (
        "In Prospect and Retrospect: Reflective Memory Management for Long-term "
        "Personalized Dialogue Agents"
    )
    assert rmm["authors"][:2] == ["Zhen Tan", "Jun Yan"]
    assert (len(rmm["authors"]), rmm["more_authors"], rmm["year"]) == (5, 10, 2025)
    assert match.title == MEMORY_TITLE


@pytest.mark.django_db
def test_two_papers_with_the_same_title_are_for_an_organizer_to_choose(arxiv):
    arxiv.answer('ti:"a survey on retrieval augmented generation"', "arxiv_search_twins.xml")
    match = queued(paper_topic("A Survey on Retrieval-Augmented Generation"))

    title_search.search_pending()

    match.refresh_from_db()
    assert match.status == Status.SUGGESTED
    assert {s["arxiv_id"] for s in match.suggestions} == {"2405.01234", "2312.05678"}
    assert match.topic.url == ""


@pytest.mark.django_db
def test_an_outcome_never_overwrites_one_recorded_by_another_run(arxiv):
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")
    topic = paper_topic("Attention Is All You Need")
    match = queued(topic)
    (stale,) = paper_matches.paper_match_claim(match_ids=[match.pk])
    PaperMatch.objects.filter(pk=match.pk).update(status=Status.PENDING)  # swept back: "stuck"
    title_search.search_pending()  # a second worker finds the paper

    with pytest.raises(paper_matches.NotActionable):  # the stalled first worker wakes up
        title_search.search_one(stale)
    with pytest.raises(paper_matches.NotActionable):
        paper_matches.paper_match_suggest(match=stale, title=topic.title, suggestions=[])

    match.refresh_from_db()
    assert (match.status, match.arxiv_id) == (Status.MATCHED, "1706.03762")


@pytest.mark.django_db
def test_suggestions_are_at_most_five(arxiv, monkeypatch):
    from apps.links.resolvers.arxiv_search import Candidate

    many = [
        Candidate(f"2401.{n:05d}", f"Sparse Attention Part {n}", ("A",), 0, 2024)
        for n in range(1, 9)
    ]
    monkeypatch.setattr(title_search, "search_arxiv", lambda query: many)
    match = queued(paper_topic("Sparse Attention"))

    title_search.search_pending()

    match.refresh_from_db()
    assert match.status == Status.SUGGESTED
    assert len(match.suggestions) == title_search.MAX_SUGGESTIONS == 5


@pytest.mark.django_db
def test_nothing_found_is_said_so(arxiv):
    match = queued(paper_topic("A Paper Nobody Wrote About Nothing"))

    title_search.search_pending()

    match.refresh_from_db()
    assert match.status == Status.NOT_FOUND
    assert match.suggestions == []
    assert len(arxiv.requests) == 2  # the phrase, then the words


@pytest.mark.django_db
def test_a_japanese_title_is_not_sent_to_arxiv_and_says_why(arxiv):
    match = queued(paper_topic("拡散モデルの蒸留に関するサーベイ"))

    title_search.search_pending()

    match.refresh_from_db()
    assert match.status == Status.NOT_FOUND
    assert match.reason == title_search.NO_ENGLISH_TITLE
    assert "英語のタイトルがない" in match.message
    assert arxiv.requests == []


@pytest.mark.django_db
def test_a_topic_that_got_its_url_meanwhile_is_left_alone(arxiv):
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")
    topic = paper_topic("Attention Is All You Need")
    match = queued(topic)
    topic_update(
        topic=topic,
        expected_version=None,
        kind="paper",
        title=topic.title,
        url="https://openreview.net/forum?id=attention",
        notes="",
    )

    title_search.search_pending()

    topic.refresh_from_db()
    match.refresh_from_db()
    assert topic.url == "https://openreview.net/forum?id=attention"
    assert match.status == Status.SUPERSEDED
    assert arxiv.requests == []


@pytest.mark.django_db
def test_a_url_set_between_the_search_and_the_attach_wins(arxiv):
    topic = paper_topic("Attention Is All You Need")
    match = queued(topic)
    topic_update(
        topic=topic,
        expected_version=None,
        kind="paper",
        title=topic.title,
        url="https://arxiv.org/abs/1706.03762v5",
        notes="",
    )
    version = type(topic).objects.get(pk=topic.pk).version
    (match,) = paper_matches.paper_match_claim(match_ids=[match.pk])  # the worker's, searching

    match = paper_matches.paper_match_attach(match=match, arxiv_id="2010.13154")

    topic.refresh_from_db()
    assert match.status == Status.SUPERSEDED
    assert topic.url == "https://arxiv.org/abs/1706.03762v5"
    assert topic.version == version


@pytest.mark.django_db
def test_an_overloaded_api_is_retried_then_shown_as_failed_and_can_be_searched_again(arxiv):
    arxiv.fail_with(503)
    topic = paper_topic("Attention Is All You Need")
    match = queued(topic)

    tasks.search_paper_titles.apply()

    match.refresh_from_db()
    assert match.status == Status.FAILED
    assert match.reason == "http_error"
    assert "HTTP 503" in match.message
    assert len(arxiv.requests) == title_search.MAX_ATTEMPTS

    match = paper_matches.paper_match_search_again(match=match)
    assert (match.status, match.message) == (Status.PENDING, "")
    arxiv.default = ("arxiv_search_empty.xml", 200)
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")
    tasks.search_paper_titles.apply()

    match.refresh_from_db()
    topic.refresh_from_db()
    assert match.status == Status.MATCHED
    assert topic.url == "https://arxiv.org/abs/1706.03762"


@pytest.mark.django_db
def test_a_refused_query_fails_at_once(arxiv):
    arxiv.fail_with(400)
    match = queued(paper_topic("Attention Is All You Need"))

    tasks.search_paper_titles.apply()

    match.refresh_from_db()
    assert (match.status, match.reason) == (Status.FAILED, "http_error")
    assert len(arxiv.requests) == 1


@pytest.mark.django_db
def test_an_unreachable_arxiv_puts_the_rest_of_the_batch_back(arxiv):
    arxiv.fail_with(503)
    first = queued(paper_topic("Attention Is All You Need"))
    second = queued(paper_topic("Deep Residual Learning for Image Recognition"))

    with pytest.raises(title_search.SearchInterrupted):
        title_search.search_pending()

    statuses = dict(PaperMatch.objects.values_list("pk", "status"))
    assert statuses == {first.pk: Status.PENDING, second.pk: Status.PENDING}
    assert len(arxiv.requests) == 1  # the batch stopped at the first failure


@pytest.mark.django_db
def test_a_parser_bug_costs_one_search_not_the_batch(arxiv, monkeypatch):
    arxiv.answer('ti:"deep residual learning for image recognition"', "arxiv_search_twins.xml")
    real = title_search.search_arxiv

    def flaky(query):
        if "attention" in query:
            raise RuntimeError("boom")
        return real(query)

    monkeypatch.setattr(title_search, "search_arxiv", flaky)
    broken = queued(paper_topic("Attention Is All You Need"))
    fine = queued(paper_topic("Deep Residual Learning for Image Recognition"))

    assert title_search.search_pending() == 2

    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (broken.status, broken.reason) == (Status.FAILED, "unexpected")
    assert fine.status == Status.SUGGESTED


@pytest.mark.django_db
def test_no_rate_limit_slot_in_time_is_a_transient_failure(monkeypatch):
    @contextmanager
    def busy(name, interval):
        raise TimeoutError("no arxiv slot within 120 s")
        yield

    monkeypatch.setattr(title_search, "rate_slot", busy)
    match = queued(paper_topic("Attention Is All You Need"))

    with pytest.raises(title_search.SearchInterrupted):
        title_search.search_pending()
    match.refresh_from_db()
    assert match.status == Status.PENDING

    PaperMatch.objects.filter(pk=match.pk).update(attempts=title_search.MAX_ATTEMPTS - 1)
    title_search.search_pending()
    match.refresh_from_db()
    assert (match.status, match.reason) == (Status.FAILED, "timeout")


@pytest.mark.django_db
def test_a_run_cut_by_its_time_limit_leaves_nothing_half_done(arxiv, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def slow(query):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(title_search, "search_arxiv", slow)
    sent = []
    monkeypatch.setattr(tasks.search_paper_titles, "apply_async", lambda **kw: sent.append(kw))
    queued(paper_topic("Attention Is All You Need"))
    queued(paper_topic("Deep Residual Learning for Image Recognition"))

    assert tasks.search_paper_titles.apply().result == 0

    assert set(PaperMatch.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert len(sent) == 1  # a fresh run takes them


@pytest.mark.django_db
def test_searches_keep_the_shared_arxiv_interval(arxiv, settings):
    settings.ARXIV_MIN_INTERVAL = 0.3
    queued(paper_topic("Attention Is All You Need"))
    queued(paper_topic("Deep Residual Learning for Image Recognition"))
    with rate_slot("arxiv", settings.ARXIV_MIN_INTERVAL):  # the fetch pipeline's turn
        start = time.monotonic()

    title_search.search_pending()

    times = [start] + [r.at for r in arxiv.requests]
    assert len(times) >= 3
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.25


# --- queueing and the worker --------------------------------------------------------------


@pytest.mark.django_db
def test_only_live_paper_topics_without_url_are_queued_and_only_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.search_paper_titles, "apply_async", lambda **kw: sent.append(kw))
    meeting = factories.meeting()
    wanted = paper_topic("Attention Is All You Need", meeting=meeting)
    paper_topic("Deep Residual Learning for Image Recognition", meeting=meeting)
    topic_delete(topic=paper_topic("A Deleted Paper", meeting=meeting))
    factories.topic(
        meeting=meeting, kind="paper", title="With URL", url="https://arxiv.org/abs/1810.04805"
    )
    factories.topic(meeting=meeting, kind="blog", title="A blog post without URL", url="")
    Topic = type(wanted)

    with django_capture_on_commit_callbacks(execute=True):
        first = paper_matches.paper_matches_queue(
            topics=Topic.objects.filter(block__meeting=meeting)
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = paper_matches.paper_matches_queue(
            topics=Topic.objects.filter(block__meeting=meeting)
        )

    assert (first, again) == (2, 0)
    assert set(PaperMatch.objects.values_list("topic__title", flat=True)) == {
        "Attention Is All You Need",
        "Deep Residual Learning for Image Recognition",
    }
    assert len(sent) == 1


@pytest.mark.django_db
def test_many_queued_searches_make_one_task_run(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.search_paper_titles, "apply_async", lambda **kw: sent.append(kw))
    for _ in range(3):
        tasks.schedule_paper_searches()
    assert len(sent) == 1


@pytest.mark.django_db
def test_a_run_with_more_waiting_than_one_batch_queues_the_next(arxiv, monkeypatch):
    monkeypatch.setattr(title_search, "BATCH", 1)
    sent = []
    monkeypatch.setattr(tasks.search_paper_titles, "apply_async", lambda **kw: sent.append(kw))
    queued(paper_topic("Attention Is All You Need"))
    queued(paper_topic("Deep Residual Learning for Image Recognition"))

    assert tasks.search_paper_titles.apply().result == 1

    assert PaperMatch.objects.filter(status=Status.PENDING).count() == 1
    assert len(sent) == 1


@pytest.mark.django_db
def test_the_sweep_frees_stuck_searches_and_queues_waiting_ones(settings, monkeypatch):
    settings.LINK_SWEEP_GRACE = 0
    sent = []
    monkeypatch.setattr(tasks.search_paper_titles, "apply_async", lambda **kw: sent.append(kw))
    stuck = queued(paper_topic("Attention Is All You Need"))
    PaperMatch.objects.filter(pk=stuck.pk).update(
        status=Status.SEARCHING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )

    tasks.sweep_paper_searches.apply()

    stuck.refresh_from_db()
    assert stuck.status == Status.PENDING
    assert len(sent) == 1


# --- manage.py match_papers -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_searches_topics_imported_before_now(arxiv, capsys):
    arxiv.answer(ATTENTION_PHRASE, "arxiv_search_attention.xml")
    arxiv.answer(MEMORY_TERMS, "arxiv_search_memory.xml")
    exact = paper_topic("Attention Is All You Need")
    near = paper_topic(MEMORY_TITLE)

    call_command("match_papers", "--now")

    out = capsys.readouterr().out
    assert "2 paper topic(s) queued" in out
    exact.refresh_from_db()
    assert exact.url == "https://arxiv.org/abs/1706.03762"
    assert PaperMatch.objects.get(topic=near).status == Status.SUGGESTED
    assert "確認待ち:1" in out.replace(" ", "")

    call_command("match_papers")
    assert "0 paper topic(s) queued" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_refuses_a_bad_meeting_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("match_papers", "--meeting", "2025-13-40")
