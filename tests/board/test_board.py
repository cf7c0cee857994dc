from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.group.selectors import group_settings
from apps.meetings.models import Meeting
from apps.topics.models import Topic
from tests import factories

pytestmark = pytest.mark.django_db


def board_with(topics: int, *, presenters: int = 5) -> Meeting:
    meeting = factories.meeting(date=dt.date(2025, 3, 28))
    people = [factories.MemberFactory() for _ in range(presenters)]
    for i in range(topics):
        topic = factories.topic(
            meeting=meeting, presenter=people[i % presenters], title=f"Topic {i}"
        )
        factories.remark(topic=topic, author=people[(i + 1) % presenters])
    deep_dive = factories.deep_dive(meeting=meeting, presenter=people[0])
    factories.remark_create_on_deep_dive(deep_dive=deep_dive, author=people[1])
    return meeting


def test_home_shows_the_next_meeting(member_client):
    factories.meeting(date=dt.date.today() - dt.timedelta(days=7), title="先週の会")
    factories.meeting(date=dt.date.today() + dt.timedelta(days=3), title="次の会")
    factories.meeting(date=dt.date.today() + dt.timedelta(days=10), title="再来週の会")

    html = member_client.get("/").content.decode()

    assert "次の会" in html
    assert "再来週の会" not in html


def test_home_falls_back_to_the_latest_meeting(member_client):
    factories.meeting(date=dt.date(2020, 1, 3), title="昔の会")
    factories.meeting(date=dt.date(2020, 1, 10), title="最後の会")

    assert "最後の会" in member_client.get("/").content.decode()


def test_home_without_meetings_invites_organizers_to_create_one(organizer_client):
    response = organizer_client.get("/")

    assert response.status_code == 200
    assert reverse("meetings:create") in response.content.decode()


def test_board_lists_presenters_in_agenda_order_with_their_topics(member_client):
    meeting = factories.meeting()
    first, second = (
        factories.MemberFactory(display_name="Naoto"),
        factories.MemberFactory(display_name="Shun"),
    )
    factories.topic(meeting=meeting, presenter=first, kind=Topic.Kind.PAPER, title="論文A")
    factories.topic(meeting=meeting, presenter=second, kind=Topic.Kind.OSS, title="Memray")
    factories.topic(meeting=meeting, presenter=first, kind=Topic.Kind.BLOG, title="ブログB")

    html = member_client.get(meeting.get_absolute_url()).content.decode()

    body = html[html.index('class="board"') :]
    assert body.index("@Naoto") < body.index("論文A") < body.index("ブログB") < body.index("@Shun")
    assert body.index("@Shun") < body.index("Memray")
    assert 'class="kind-badge kind-paper">[論文]' in html
    assert 'class="kind-badge kind-oss">[oss]' in html
    assert 'class="kind-badge kind-blog">[blog]' in html


def test_topic_title_links_to_its_source_and_notes_are_rendered(member_client):
    topic = factories.topic(
        title="Attention Is All You Need",
        url="https://arxiv.org/abs/1706.03762",
        notes="- 位置エンコーディング\n    - RoPE\n\n```python\nprint('<b>')\n```",
    )
    html = member_client.get(topic.block.meeting.get_absolute_url()).content.decode()

    assert 'href="https://arxiv.org/abs/1706.03762"' in html
    assert "<li>位置エンコーディング" in html
    assert "&lt;b&gt;" in html


def test_notes_with_script_are_shown_as_text_not_run(member_client):
    topic = factories.topic(notes="<script>alert(1)</script> **太字**")

    html = member_client.get(topic.block.meeting.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<strong>太字</strong>" in html


def test_deep_dive_has_its_section_with_table_of_contents(member_client):
    meeting = factories.meeting()
    factories.deep_dive(
        meeting=meeting,
        presenter=factories.MemberFactory(display_name="Takumi"),
        title="Reflective Memory Management",
        body="## 1. Introduction\n\n本文\n\n## 2. 提案手法\n\nRMM",
    )

    html = member_client.get(meeting.get_absolute_url()).content.decode()

    assert 'id="deep-dive"' in html
    assert "Reflective Memory Management" in html
    assert "@Takumi" in html
    toc = html[html.index('class="toc"') :]
    assert "提案手法" in toc[: toc.index("</nav>")]
    assert 'href="https://arxiv.org/abs/2503.08026"' in html


@pytest.mark.parametrize(
    "url", ["/no-such-page/", "/meetings/2025-02-30/", "/meetings/1999-01-01/"]
)
def test_unknown_pages_get_a_japanese_404(member_client, url):
    response = member_client.get(url)

    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_board_query_count_does_not_grow_with_topics(member_client, django_assert_num_queries):
    group_settings()  # the row exists, as on any running board
    small = board_with(5)
    # The board with its cards (their uploaded slides too), one query for the 聞きたい
    # votes of all of them; the group's settings once (language, time zone, start time and
    # topic deadline), reused.
    with django_assert_num_queries(12) as small_queries:
        member_client.get(small.get_absolute_url())
    Meeting.objects.all().delete()

    large = board_with(50)
    with django_assert_num_queries(12) as large_queries:
        response = member_client.get(large.get_absolute_url())

    assert response.content.decode().count('class="topic kind-') == 50
    assert len(small_queries.captured_queries) == len(large_queries.captured_queries)


def test_unchanged_board_is_served_from_cache_until_something_changes(
    member_client, member, django_assert_num_queries
):
    meeting = board_with(10)
    first = member_client.get(meeting.get_absolute_url()).content.decode()

    # The group's settings (language, time zone), session, member, the meeting's revision.
    with django_assert_num_queries(4):
        again = member_client.get(meeting.get_absolute_url()).content.decode()
    body = slice(first.index('class="board-layout"'), None)
    assert again[body] == first[body]  # the page around it has a fresh CSRF mask each time

    topic = meeting.blocks.first().topics.first()
    member_client.post(
        reverse("topics:remark-create", args=[topic.pk]), {"body": "キャッシュの後のコメント"}
    )

    assert (
        "キャッシュの後のコメント" in member_client.get(meeting.get_absolute_url()).content.decode()
    )


def test_cached_board_is_per_viewer(client, member):
    meeting = factories.meeting()
    factories.topic(meeting=meeting, presenter=member, title="自分の話題")
    other = factories.MemberFactory()

    client.force_login(other)
    as_other = client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(member)
    as_owner = client.get(meeting.get_absolute_url()).content.decode()

    edit_url = reverse("topics:edit", args=[meeting.blocks.first().topics.first().pk])
    assert edit_url not in as_other
    assert edit_url in as_owner


def test_meeting_list_groups_upcoming_and_past_by_year(member_client):
    today = dt.date.today()
    factories.meeting(date=today + dt.timedelta(days=7), title="来週")
    factories.meeting(date=dt.date(2024, 6, 7), title="2024の会")
    factories.meeting(date=dt.date(2023, 6, 2), title="2023の会")

    html = member_client.get(reverse("meetings:list")).content.decode()

    assert html.index("来週") < html.index("過去の勉強会")
    assert html.index('id="year-2024"') < html.index("2024の会") < html.index('id="year-2023"')
    assert html.index('id="year-2023"') < html.index("2023の会")
