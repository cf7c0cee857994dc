"""Every write through the services reaches the search index once it commits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.links import services as link_services
from apps.links.metadata import Metadata
from apps.topics.services import remark_create, topic_delete
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def hits(client, query: str) -> str:
    html = client.get(reverse("search:search"), {"q": query}).content.decode()
    return html.replace("<mark>", "").replace("</mark>", "")  # matches are highlighted


def test_new_topics_and_remarks_are_found_at_once(member_client):
    topic = factories.topic(title="推薦システムの基盤モデル", notes="- Netflixの事例")
    remark_create(author=factories.MemberFactory(handle="fr"), topic=topic, body="めちゃ速い")

    assert "推薦システムの基盤モデル" in hits(member_client, "推薦")
    assert "めちゃ速い" in hits(member_client, "速い")


def test_deleted_topics_leave_the_index(member_client):
    topic = factories.topic(title="消える論文の話")
    topic_delete(topic=topic)

    assert "消える論文の話" not in hits(member_client, "消える論文")


def test_fetched_paper_metadata_is_searchable(member_client):
    topic = factories.topic(url="https://arxiv.org/abs/1706.03762", title="Transformer 原論文")
    metadata = Metadata(
        title="Attention Is All You Need",
        authors=["Ashish Vaswani"],
        description="sequence transduction",
    )

    link_services.link_store_metadata(link=topic.link, metadata=metadata, thumbnail_webp=None)

    assert "Transformer 原論文" in hits(member_client, "Vaswani")
