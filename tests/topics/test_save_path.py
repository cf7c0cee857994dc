"""What an ordinary save does and does not redo: the search entries of the topic's remarks, its
extra links, and a second read of the card."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.search.models import SearchEntry
from apps.topics.models import TopicLink
from apps.topics.services import remark_create, topic_set_extra_links, topic_update
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _update(topic, **changes):
    fields = {"kind": topic.kind, "title": topic.title, "url": topic.url, "notes": topic.notes}
    fields.update(changes)
    return topic_update(topic=topic, expected_version=topic.version, **fields)


def _remark_entry(remark) -> SearchEntry:
    return SearchEntry.objects.get(remark_id=remark.pk)


def test_editing_notes_redoes_only_the_topics_own_entry():
    topic = factories.topic(title="推薦の基盤モデル", notes="- 古いメモ")
    remark = remark_create(author=factories.MemberFactory(), topic=topic, body="めちゃ速い")
    before = _remark_entry(remark).pk

    _update(topic, notes="- 新しいメモ: 蒸留の話")

    entry = SearchEntry.objects.get(topic_id=topic.pk, source=SearchEntry.Source.TOPIC)
    assert "蒸留" in entry.body
    assert _remark_entry(remark).pk == before  # untouched: nothing of it changed


@pytest.mark.parametrize("change", [{"title": "新しいタイトル"}, {"kind": "oss"}])
def test_a_new_title_or_kind_reaches_the_remarks_entries(change):
    topic = factories.topic(title="古いタイトル", kind="paper")
    remark = remark_create(author=factories.MemberFactory(), topic=topic, body="めちゃ速い")

    _update(topic, **change)

    entry = _remark_entry(remark)
    assert entry.context == change.get("title", "古いタイトル")
    assert entry.kind == change.get("kind", "paper")


def test_saving_the_same_extra_links_keeps_them():
    topic = factories.topic()
    links = [
        ("code", "https://github.com/vllm-project/vllm"),
        ("slides", "https://example.com/s.pdf"),
    ]
    topic_set_extra_links(topic=topic, extra_links=links)
    kept = list(TopicLink.objects.filter(topic=topic).values_list("pk", flat=True))

    topic_update(
        topic=topic,
        expected_version=topic.version,
        kind=topic.kind,
        title=topic.title,
        url=topic.url,
        notes="- 追記",
        extra_links=links,
    )

    assert list(TopicLink.objects.filter(topic=topic).values_list("pk", flat=True)) == kept


def test_changed_extra_links_are_replaced_in_order():
    topic = factories.topic()
    topic_set_extra_links(topic=topic, extra_links=[("code", "https://github.com/a/b")])

    topic_set_extra_links(
        topic=topic,
        extra_links=[("slides", "https://example.com/s.pdf"), ("code", "https://github.com/a/b")],
    )

    stored = (
        TopicLink.objects.filter(topic=topic).order_by("position").values_list("label", "position")
    )
    assert list(stored) == [("slides", 1), ("code", 2)]


def test_the_saved_card_shows_the_new_text_and_link_without_reading_the_topic_again(client):
    topic = factories.topic(title="元のタイトル", notes="- 元のメモ")
    remark_create(author=factories.MemberFactory(), topic=topic, body="既存の発言")
    client.force_login(topic.block.presenter)
    data = {
        "kind": "paper",
        "url": "https://arxiv.org/abs/1706.03762",
        "title": "新しいタイトル",
        "notes": "- **新しい**メモ",
        "extra_links": "code https://github.com/a/b",
        "version": topic.version,
    }

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("topics:edit", args=[topic.pk]), data, HTTP_HX_REQUEST="true"
        )

    html = response.content.decode()
    assert response.status_code == 200
    assert "新しいタイトル" in html
    assert "<strong>新しい</strong>" in html
    assert "既存の発言" in html  # remarks come from the card loaded before the save
    assert "arxiv.org/abs/1706.03762" in html
    assert "github.com/a/b" in html
    topic_reads = [
        q for q in queries.captured_queries if q["sql"].startswith('SELECT "topics_topic"."id"')
    ]
    # One read for the card and permissions, one locked read for the save, one for the
    # earlier presentations of the new link; the index reads it again after commit.
    assert len(topic_reads) <= 4
