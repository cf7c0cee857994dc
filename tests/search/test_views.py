"""The search page: form without JavaScript, htmx regions, hits, facets, paging, bad input."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.group.selectors import group_settings
from apps.search import indexing
from apps.topics.models import Topic
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/search/"


def test_search_needs_a_login(client):
    response = client.get(URL, {"q": "推薦"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_every_page_has_the_search_box(member_client):
    meeting = factories.meeting()
    html = member_client.get(meeting.get_absolute_url()).content.decode()
    assert 'id="site-search-q"' in html
    assert f'action="{URL}"' in html
    assert 'method="get"' in html


def test_the_page_works_without_javascript_and_searches_live_with_it(member_client, corpus):
    html = member_client.get(URL, {"q": "推薦"}).content.decode()
    form = re.search(r'<form class="search-form"[^>]*>', html).group(0)
    assert 'method="get"' in form
    assert f'action="{URL}"' in form
    search_input = re.search(r'<input id="search-q"[^>]*>', html, re.S).group(0)
    assert 'name="q"' in search_input
    assert 'value="推薦"' in search_input
    assert 'hx-trigger="input changed delay:300ms, search"' in search_input
    assert 'hx-target="#search-results"' in search_input
    assert 'hx-push-url="true"' in search_input
    assert 'id="search-results"' in html


def test_hits_link_to_the_topic_remark_and_deep_dive_section(member_client, corpus):
    t2, r2 = corpus.objects["T2"], corpus.objects["R2"]
    html = member_client.get(URL, {"q": "推薦"}).content.decode()
    assert f'href="/meetings/2025-03-28/#topic-{t2.pk}"' in html
    assert f'href="/meetings/2025-03-28/#remark-{r2.pk}"' in html
    html = member_client.get(URL, {"q": "Gumbel"}).content.decode()
    assert 'href="/meetings/2025-03-28/#h-リランカーの設計"' in html
    assert "<mark>Gumbel</mark>トリック" in html


def test_htmx_typing_gets_only_the_results_region(member_client, corpus):
    response = member_client.get(
        URL, {"q": "推薦"}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<html" not in html
    assert 'id="search-q"' not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_facet_and_page_links_get_the_page_region(member_client, corpus):
    response = member_client.get(
        URL, {"q": "推薦"}, headers={"HX-Request": "true", "HX-Target": "search-page"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="search-page"')
    assert 'id="search-q"' in html
    assert "<html" not in html


def test_every_hx_get_link_also_has_the_same_href(member_client):
    meeting = factories.meeting()
    topic = factories.topic(meeting=meeting, title="推薦 0")
    for i in range(1, 25):
        factories.topic(meeting=meeting, presenter=topic.block.presenter, title=f"推薦 {i}")
    indexing.index_meeting(meeting.pk)
    html = member_client.get(URL, {"q": "推薦"}).content.decode()
    links = re.findall(r"<a [^>]*hx-get=[^>]*>", html)
    assert links, "facets and paging are htmx links"
    for link in links:
        assert re.search(r'href="([^"]+)"', link).group(1) == re.search(
            r'hx-get="([^"]+)"', link
        ).group(1)


def test_facets_count_kind_place_presenter_and_year_and_toggle(member_client, corpus):
    html = member_client.get(URL, {"q": "推薦"}).content.decode()
    facets = html[html.index('class="facets"') : html.index('class="hits-column"')]
    assert re.search(r">blog</a> <span class=\"count\">2</span>", facets)
    assert re.search(r">トピック</a> <span class=\"count\">1</span>", facets)
    assert re.search(r">コメント</a> <span class=\"count\">1</span>", facets)
    assert re.search(r">Ryosuke Fukazawa</a> <span class=\"count\">1</span>", facets)
    assert re.search(r">Naoto Shimakoshi</a> <span class=\"count\">1</span>", facets)
    assert re.search(r">2025</a> <span class=\"count\">2</span>", facets)
    assert 'href="?q=%E6%8E%A8%E8%96%A6+by%3Aqluto"' in facets  # 推薦 by:qluto

    html = member_client.get(URL, {"q": "推薦 by:qluto"}).content.decode()
    assert "1件見つかりました" in html
    assert 'class="active"' in html
    assert 'href="?q=%E6%8E%A8%E8%96%A6"' in html


def test_snippets_escape_the_text_and_mark_the_match(member_client, corpus):
    html = member_client.get(URL, {"q": "実行"}).content.decode()
    snippet = re.search(r'<p class="snippet"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; は<mark>実行</mark>されない" in snippet
    )
    assert "<script>alert" not in html

    html = member_client.get(URL, {"q": "script"}).content.decode()
    assert "&lt;<mark>script</mark>&gt;" in html


def test_a_title_with_markup_is_escaped_too(member_client):
    topic = factories.topic(title='<img src=x onerror="alert(1)"> 推薦', notes="")
    indexing.index_topic(topic.pk)
    html = member_client.get(URL, {"q": "推薦"}).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; <mark>推薦</mark>" in html
    assert "<img src=x" not in html


def test_results_are_paged(member_client):
    meeting = factories.meeting()
    presenter = factories.MemberFactory()
    topics = [
        factories.topic(meeting=meeting, presenter=presenter, title=f"蒸留 {i}") for i in range(25)
    ]
    indexing.index_meeting(meeting.pk)

    first = member_client.get(URL, {"q": "蒸留"}).content.decode()
    assert "25件見つかりました" in first
    assert "1 / 2 ページ" in first
    assert first.count('class="hit ') == 20
    second = member_client.get(URL, {"q": "蒸留", "page": "2"}).content.decode()
    assert second.count('class="hit ') == 5
    shown = set(re.findall(r"#topic-(\d+)", first + second))
    assert shown == {str(t.pk) for t in topics}
    for page in ("999", "abc", "-1"):
        assert member_client.get(URL, {"q": "蒸留", "page": page}).status_code == 200


def test_no_query_shows_how_to_search(member_client):
    html = member_client.get(URL).content.decode()
    assert "検索のしかた" in html
    assert "kind:論文" in html


BAD_INPUTS = [
    "",
    "   ",
    "a" * 1000,
    "あ" * 1000,
    "推薦 " * 300,
    "!!!",
    "？？？",
    "...",
    '"unbalanced 推薦',
    '推薦"',
    "'",
    '"',
    "''",
    "*",
    "推薦*",
    ":",
    "::",
    "a:*",
    "NEAR",
    "NEAR(推薦 モデル)",
    "推薦 NEAR モデル",
    "&",
    "|",
    "!",
    "推薦 & モデル | ! x",
    "' OR 1=1 --",
    '"; DROP TABLE search_entry; --',
    "'強化' <-> '学習'",
    "強化:* & !学習",
    "{title_tokens}: 推薦",
    "title_tokens:推薦",
    "search_fts MATCH 'x'",
    "((((",
    ")",
    "^推薦",
    "🎉",
    "🎉🎉 推薦 👍",
    "👨‍👩‍👧",
    "foo:bar",
    "kind:動画",
    "by:nobody",
    "by:",
    "in:everywhere",
    "after:2025-13-45",
    "before:yesterday",
    "after:99999-01-01",
    "-",
    "--",
    "-推薦",
    "\x00推薦",
    "\u200b",
    "%",
    "_",
    "\\",
    "推薦\\",
]


@pytest.mark.parametrize("q", BAD_INPUTS)
def test_bad_input_never_fails(member_client, corpus, q):
    # A NUL in the query is dropped before any view sees it (apps.core.middleware).
    expected = 200
    response = member_client.get(URL, {"q": q})
    assert response.status_code == expected
    response = member_client.get(
        URL, {"q": q}, headers={"HX-Request": "true", "HX-Target": "search-results"}
    )
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("q", "shown"),
    [
        ("!!!", "検索できる文字(文字や数字)が含まれていません。"),
        ("🎉", "検索できる文字(文字や数字)が含まれていません。"),
        ("foo:bar", "「foo:」という条件はありません"),
        ("kind:動画", "種類「動画」はありません"),
        ("by:nobody", "ハンドル「nobody」のメンバーはいません。"),
        ('"unbalanced 推薦', "閉じていない引用符がありました"),
        ("a" * 1000, "先頭の500文字で検索しました"),
        ("-推薦", "除外する語だけでは検索できません"),
    ],
)
def test_bad_input_says_what_happened(member_client, corpus, q, shown):
    html = member_client.get(URL, {"q": q}).content.decode()
    assert shown in html


@pytest.mark.parametrize(
    ("q", "label"),
    [
        ('"unbalanced 推薦', None),  # the phrase runs to the end: nothing has both words
        ('推薦"', "T2"),
        ("推薦*", "T2"),
        ("🎉🎉 推薦 👍", "T2"),
        ("'推薦'", "T2"),
        ("NEAR(推薦 モデル)", None),  # NEAR is a word here, and no text has it
        ("\x00推薦", "T2"),
    ],
)
def test_syntax_characters_are_just_punctuation(corpus, q, label):
    hits = corpus.hits(q)
    assert (label in hits) if label else hits == []


def _count_queries(client, q: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, {"q": q}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("q", ["推薦", "推薦 by:m0 kind:blog after:2020-01-01", "-推薦 kind:blog"])
def test_the_number_of_queries_stays_flat_as_the_archive_grows(member_client, q):
    meeting = factories.meeting()
    presenter = factories.MemberFactory()

    def grow(n):
        for i in range(n):
            topic = factories.topic(
                meeting=meeting, presenter=presenter, kind=Topic.Kind.BLOG, title=f"推薦 {i}"
            )
            factories.remark(topic=topic, body="推薦のコメント")
        indexing.index_meeting(meeting.pk)

    group_settings()  # the row exists, as on any running board
    grow(2)
    small = _count_queries(member_client, q)
    grow(30)
    assert _count_queries(member_client, q) == small
    # group settings (language, time zone), session, user, (handles), the sample that sizes
    # the result, one scan for totals+facets+page ids, the page, facet names;
    # on PostgreSQL also the planner hints and, inside the test's transaction, a savepoint.
    assert small <= 10
