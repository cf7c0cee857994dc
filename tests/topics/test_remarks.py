from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.topics.models import Remark
from tests import factories

pytestmark = pytest.mark.django_db


def remark_url(topic) -> str:
    return reverse("topics:remark-create", kwargs={"topic_id": topic.pk})


def test_member_adds_a_remark_and_sees_it_on_the_board(member_client, member):
    topic = factories.topic()

    response = member_client.post(remark_url(topic), {"body": "めちゃ速い"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"#{topic.anchor}")
    assert f"[{member.handle}]" in html
    assert "めちゃ速い" in html
    assert Remark.objects.get().author == member


def test_member_remarks_on_the_deep_dive(member_client):
    meeting = factories.meeting()
    deep_dive = factories.deep_dive(meeting=meeting)
    url = reverse("topics:deep-dive-remark-create", kwargs={"deep_dive_id": deep_dive.pk})

    response = member_client.post(url, {"body": "実験の再現コードはある?"})

    assert response["Location"].endswith("#deep-dive")
    assert Remark.objects.get().deep_dive == deep_dive


@pytest.mark.parametrize("body", ["", "   ", "あ" * 2001])
def test_invalid_remark_is_refused_inside_the_form_and_text_is_kept(member_client, body):
    topic = factories.topic()

    response = member_client.post(remark_url(topic), {"body": body})

    html = response.content.decode()
    assert response.status_code == 422
    assert 'role="alert"' in html
    if body.strip():
        assert body in html
    assert not Remark.objects.exists()


def test_remark_markup_is_sanitized(member_client):
    topic = factories.topic()

    member_client.post(
        remark_url(topic), {"body": '<img src=x onerror="alert(1)"> [link](javascript:alert(1))'}
    )

    html = Remark.objects.get().body_html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_remark_on_a_deleted_topic_is_a_404(member_client):
    topic = factories.topic()
    topic.deleted_at = timezone.now()
    topic.save()

    assert member_client.post(remark_url(topic), {"body": "x"}).status_code == 404
    assert not Remark.objects.exists()


def test_anonymous_cannot_remark_even_when_the_board_is_public(client, settings):
    settings.BOARD_PUBLIC_READ = True
    topic = factories.topic()

    response = client.post(remark_url(topic), {"body": "匿名"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Remark.objects.exists()


def test_remark_without_csrf_token_is_refused(member):
    topic = factories.topic()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(remark_url(topic), {"body": "CSRFなし"})

    assert response.status_code == 403
    assert not Remark.objects.exists()


def test_remarks_only_accept_post(member_client):
    assert member_client.get(remark_url(factories.topic())).status_code == 405
