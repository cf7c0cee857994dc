"""Index maintenance: the functions the services call on every write, and the rebuild.

The services call these through `schedule_index` (wired by the lead); here they are called
directly after writing with the factories, the way a service does.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.core.markdown import HEADING_ID_PREFIX
from apps.search import entries, indexing, rebuild
from apps.search.models import SearchEntry
from apps.topics.models import Topic
from tests import factories

from .conftest import DEEP_DIVE_BODY, build_corpus

pytestmark = pytest.mark.django_db


def found(q: str) -> list[str]:
    from apps.search.query import parse_query
    from apps.search.selectors import search

    return [hit.entry.anchor for hit in search(parse_query(q), per_page=100).hits]


def test_a_new_topic_is_found_at_its_card():
    topic = factories.topic(title="拡散モデルの蒸留", notes="- 1ステップ生成")
    assert found("蒸留") == []
    indexing.index_topic(topic.pk)
    assert found("蒸留") == [f"topic-{topic.pk}"]
    entry = SearchEntry.objects.get(topic=topic)
    assert entry.hit_url == f"/meetings/{topic.block.meeting.date}/#topic-{topic.pk}"


def test_an_edited_topic_is_found_by_its_new_text_only():
    topic = factories.topic(title="古いタイトル")
    indexing.index_topic(topic.pk)
    topic.title = "新しいタイトル"
    topic.save()
    indexing.index_topic(topic.pk)
    assert found("古い") == []
    assert found("新しい") == [f"topic-{topic.pk}"]
    assert SearchEntry.objects.filter(topic=topic, source="topic").count() == 1


def test_a_soft_deleted_topic_leaves_the_index_with_its_remarks_and_comes_back_on_restore():
    topic = factories.topic(title="消すトピック")
    factories.remark(topic=topic, body="消すトピックへのコメント")
    indexing.index_topic(topic.pk)
    assert len(found("消す")) == 2

    Topic.objects.filter(pk=topic.pk).update(deleted_at=timezone.now())
    indexing.index_topic(topic.pk)
    assert found("消す") == []

    Topic.objects.filter(pk=topic.pk).update(deleted_at=None)
    indexing.index_topic(topic.pk)
    assert len(found("消す")) == 2


def test_remarks_are_indexed_at_their_own_anchor_and_leave_with_a_hard_delete():
    topic = factories.topic()
    remark = factories.remark(topic=topic, body="めちゃ速い実装")
    indexing.index_remark(remark.pk)
    assert found("実装") == [f"remark-{remark.pk}"]
    remark.delete()
    assert found("実装") == []
    indexing.index_remark(remark.pk)  # a late call for a deleted remark is harmless
    assert found("実装") == []


def test_a_remark_on_a_deleted_topic_is_not_indexed():
    topic = factories.topic()
    remark = factories.remark(topic=topic, body="孤児のコメント")
    Topic.objects.filter(pk=topic.pk).update(deleted_at=timezone.now())
    indexing.index_remark(remark.pk)
    assert found("孤児") == []


def test_a_deep_dive_is_indexed_section_by_section_at_the_heading_ids():
    meeting = factories.meeting()
    deep_dive = factories.deep_dive(meeting=meeting, body=DEEP_DIVE_BODY)
    indexing.index_deep_dive(deep_dive.pk)

    heading_ids = re.findall(r'<h[1-6] id="([^"]+)"', deep_dive.body_html)
    entries = list(SearchEntry.objects.filter(deep_dive=deep_dive).order_by("position"))
    assert [e.anchor for e in entries] == ["deep-dive", *heading_ids]
    assert all(anchor.startswith(HEADING_ID_PREFIX) for anchor in heading_ids)
    assert [e.title for e in entries[1:]] == ["1. Introduction", "2. 提案手法", "リランカーの設計"]
    assert entries[0].title == deep_dive.title
    assert "長期記憶" in entries[0].body
    assert found("Gumbel") == [heading_ids[2]]
    assert "Gumbel" not in entries[2].body  # each section holds only its own text


def test_editing_a_deep_dive_replaces_its_sections():
    deep_dive = factories.deep_dive(meeting=factories.meeting(), body="## 旧章\n\n古い本文")
    indexing.index_deep_dive(deep_dive.pk)
    deep_dive.body, deep_dive.body_html = "## 新章\n\n新しい本文", ""
    deep_dive.save()
    indexing.index_deep_dive(deep_dive.pk)
    assert found("古い") == []
    assert found("新しい") == ["h-新章"]


def test_index_meeting_follows_a_new_title_and_date():
    topic = factories.topic(title="蒸留")
    meeting = topic.block.meeting
    indexing.index_topic(topic.pk)
    meeting.title, meeting.date = "年末特別回", dt.date(2030, 12, 27)
    meeting.save()
    indexing.index_meeting(meeting.pk)
    entry = SearchEntry.objects.get(topic=topic)
    assert entry.meeting_date == dt.date(2030, 12, 27)
    assert found("年末特別回") == [f"topic-{topic.pk}"]


def test_index_member_follows_a_new_display_name():
    member = factories.MemberFactory(display_name="Old Name")
    topic = factories.topic(presenter=member)
    indexing.index_topic(topic.pk)
    member.display_name = "Kenji Ota"
    member.save()
    indexing.index_member(member.pk)
    assert found("Ota") == [f"topic-{topic.pk}"]
    assert found("Old") == []


def test_link_metadata_is_one_more_text_source_ranked_between_title_and_notes(monkeypatch):
    paper = factories.topic(title="読んだ論文", url="https://arxiv.org/abs/1706.03762", notes="")
    notes = factories.topic(title="別の話", notes="Vaswani らの Transformer を引用")
    monkeypatch.setattr(
        entries,
        "link_text",
        lambda url: f"{url}\nAttention Is All You Need\nAshish Vaswani" if url else "",
    )
    indexing.index_topic(paper.pk)
    indexing.index_topic(notes.pk)
    assert found("vaswani") == [f"topic-{paper.pk}", f"topic-{notes.pk}"]
    indexing.index_link("https://arxiv.org/pdf/1706.03762v7")  # a fetch finished: re-index
    assert SearchEntry.objects.get(topic=paper).links.endswith("Ashish Vaswani")


def test_schedule_index_waits_for_the_commit(django_capture_on_commit_callbacks):
    topic = factories.topic(title="コミット待ち")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        indexing.schedule_index(topic)
    assert found("コミット") == []
    for callback in callbacks:
        callback()
    assert found("コミット") == [f"topic-{topic.pk}"]


@pytest.mark.parametrize("make", ["topic", "remark", "deep_dive", "meeting", "member"])
def test_schedule_index_knows_every_model_it_is_given(make, django_capture_on_commit_callbacks):
    topic = factories.topic()
    objects = {
        "topic": topic,
        "remark": factories.remark(topic=topic),
        "deep_dive": factories.deep_dive(meeting=topic.block.meeting),
        "meeting": topic.block.meeting,
        "member": topic.block.presenter,
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        indexing.schedule_index(objects[make])
    assert len(callbacks) == 1
    assert SearchEntry.objects.exists()


def test_schedule_index_refuses_what_it_cannot_index():
    with pytest.raises(TypeError):
        indexing.schedule_index(object())


def test_rebuild_gives_the_same_index_as_indexing_on_write(db):
    corpus = build_corpus()

    def snapshot():
        return sorted(
            SearchEntry.objects.values_list(
                "source",
                "anchor",
                "title_tokens",
                "links_tokens",
                "body_tokens",
                "meta_tokens",
                "kind",
            )
        )

    before = snapshot()
    stats = rebuild.rebuild_index(batch_size=3)
    assert snapshot() == before
    assert (stats.topics, stats.remarks, stats.deep_dives, stats.entries) == (7, 5, 1, len(before))
    assert set(corpus.hits("強化学習")) == {"T4", "R3", "D2"}


def test_indexing_on_write_still_works_after_a_rebuild(db):
    rebuild.rebuild_index()
    topic = factories.topic(title="再構築のあと")
    indexing.index_topic(topic.pk)
    assert found("再構築") == [f"topic-{topic.pk}"]
    SearchEntry.objects.filter(topic=topic).delete()
    assert found("再構築") == []


def test_rebuild_command_reports_what_it_did(capsys, db):
    factories.topic()
    call_command("rebuild_search_index")
    out = capsys.readouterr().out
    assert out.startswith("1 entries (1 topics, 0 remarks, 0 deep dives)")
