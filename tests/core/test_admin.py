from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.links.models import Link
from apps.papers.models import PaperMatch
from apps.topics.models import TopicLink
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_data(admin_client):
    meeting = factories.meeting()
    topic = factories.topic(meeting=meeting)
    factories.remark(topic=topic)
    factories.deep_dive(meeting=meeting)
    code = Link.objects.create(
        canonical_url="https://github.com/bloomberg/memray", kind="github", key="bloomberg/memray"
    )
    TopicLink.objects.create(topic=topic, link=code, label="code")
    paper = factories.topic(meeting=meeting, kind="paper", title="Attention Is All You Need")
    PaperMatch.objects.create(
        topic=paper,
        status=PaperMatch.Status.SUGGESTED,
        title=paper.title,
        suggestions=[
            {
                "arxiv_id": "1706.03762",
                "title": "Attention Is All You Need",
                "authors": [],
                "year": 2017,
            }
        ],
    )
    return admin_client


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label != "auth"])
def test_every_model_has_a_working_admin(admin_client_with_data, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    obj = model.objects.first()

    assert admin_client_with_data.get(changelist).status_code == 200
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client_with_data.get(change).status_code == 200


def test_admin_edit_of_a_topic_re_renders_its_notes(admin_client_with_data):
    topic = factories.topic(notes="old")
    url = reverse("admin:topics_topic_change", args=[topic.pk])

    response = admin_client_with_data.post(
        url,
        {
            "block": topic.block.pk,
            "kind": "paper",
            "title": "新しい題",
            "url": "",
            "notes": "**new**",
            "position": 1,
        },
    )

    topic.refresh_from_db()
    assert response.status_code == 302
    assert "<strong>new</strong>" in topic.notes_html
    assert topic.version == 2
