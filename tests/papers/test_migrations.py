"""TopicLink and PaperMatch changed owner (links → topics, papers): rows made before survive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from apps.papers.models import PaperMatch
from apps.topics.models import TopicLink

BEFORE_THE_MOVE = [
    ("links", "0002_paper_match"),
    ("topics", "0003_topic_if_time_allows_topic_minutes"),
    ("papers", None),
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_rows_stored_by_the_old_layout_are_the_new_models_rows():
    _migrate(BEFORE_THE_MOVE)
    applied = MigrationLoader(connection).applied_migrations
    old = MigrationLoader(connection).project_state(list(applied)).apps
    User = old.get_model("accounts", "User")
    member = User.objects.create(username="fr", handle="fr", display_name="Fr")
    meeting = old.get_model("meetings", "Meeting").objects.create(
        date=dt.date(2025, 3, 28), title="機械学習勉強会"
    )
    block = old.get_model("meetings", "PresenterBlock").objects.create(
        meeting=meeting, presenter=member, position=1
    )
    topic = old.get_model("topics", "Topic").objects.create(
        block=block, kind="paper", title="Attention Is All You Need", position=1
    )
    Link = old.get_model("links", "Link")
    code = Link.objects.create(canonical_url="https://github.com/example/code", kind="github")
    old.get_model("links", "TopicLink").objects.create(
        topic=topic, link=code, label="code", position=1
    )
    old.get_model("links", "PaperMatch").objects.create(
        topic=topic, status="suggested", title=topic.title, suggestions=[{"arxiv_id": "1706.03762"}]
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    extra = TopicLink.objects.select_related("link", "topic").get()
    assert (extra.topic.title, extra.link.canonical_url, extra.label) == (
        "Attention Is All You Need",
        "https://github.com/example/code",
        "code",
    )
    match = PaperMatch.objects.get()
    assert match.topic_id == topic.pk
    assert match.status == PaperMatch.Status.SUGGESTED
    assert match.suggestions == [{"arxiv_id": "1706.03762"}]
    # The ORM reads and writes the same tables as before: nothing was copied.
    assert TopicLink._meta.db_table == "links_topiclink"
    assert PaperMatch._meta.db_table == "links_papermatch"
