"""Every mutating endpoint × anonymous, another member, the owner and an organizer."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.deepdives.models import DeepDive
from apps.topics.models import Remark, Topic
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner = factories.MemberFactory(handle="owner")
    meeting = factories.meeting()
    topic = factories.topic(meeting=meeting, presenter=owner, title="元のタイトル")
    deleted = factories.topic(meeting=meeting, presenter=owner, title="消したトピック")
    Topic.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    remark = factories.remark(topic=topic, author=owner, body="元のコメント")
    deep_dive = factories.deep_dive(meeting=meeting, presenter=owner, title="元のメイン")
    return {
        "owner": owner,
        "topic": topic,
        "deleted": deleted,
        "remark": remark,
        "deep_dive": deep_dive,
    }


def topic_edit(w):
    data = {
        "kind": "paper",
        "title": "変更後",
        "url": "",
        "notes": "",
        "version": w["topic"].version,
    }
    return (
        reverse("topics:edit", args=[w["topic"].pk]),
        data,
        lambda: Topic.objects.get(pk=w["topic"].pk).title == "変更後",
    )


def topic_delete(w):
    return (
        reverse("topics:delete", args=[w["topic"].pk]),
        {},
        lambda: Topic.objects.get(pk=w["topic"].pk).deleted_at is not None,
    )


def topic_restore(w):
    return (
        reverse("topics:restore", args=[w["deleted"].pk]),
        {},
        lambda: Topic.objects.get(pk=w["deleted"].pk).deleted_at is None,
    )


def remark_edit(w):
    data = {"body": "変更後", "version": w["remark"].version}
    return (
        reverse("topics:remark-edit", args=[w["remark"].pk]),
        data,
        lambda: Remark.objects.get(pk=w["remark"].pk).body == "変更後",
    )


def remark_delete(w):
    return (
        reverse("topics:remark-delete", args=[w["remark"].pk]),
        {},
        lambda: not Remark.objects.filter(pk=w["remark"].pk).exists(),
    )


def deep_dive_edit(w):
    data = {
        "title": "変更後",
        "paper_url": "",
        "body": "## 見出し",
        "version": w["deep_dive"].version,
    }
    return (
        reverse("deepdives:edit", args=[w["deep_dive"].pk]),
        data,
        lambda: DeepDive.objects.get(pk=w["deep_dive"].pk).title == "変更後",
    )


ENDPOINTS = [topic_edit, topic_delete, topic_restore, remark_edit, remark_delete, deep_dive_edit]


def client_for(who: str, w) -> Client:
    client = Client()
    if who == "owner":
        client.force_login(w["owner"])
    elif who == "other":
        client.force_login(factories.MemberFactory(handle="other"))
    elif who == "organizer":
        client.force_login(factories.MemberFactory(handle="boss", is_organizer=True))
    return client


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.__name__)
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize(
    ("who", "allowed"),
    [("anonymous", False), ("other", False), ("owner", True), ("organizer", True)],
)
def test_only_owners_and_organizers_change_things(world, endpoint, htmx, who, allowed):
    url, data, happened = endpoint(world)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client_for(who, world).post(url, data, **headers)

    assert happened() is allowed
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif not allowed:
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if htmx else 302)


@pytest.mark.parametrize("who", ["anonymous", "other"])
def test_edit_controls_are_not_shown_to_those_who_cannot_use_them(world, who, settings):
    settings.BOARD_PUBLIC_READ = True
    html = (
        client_for(who, world).get(world["topic"].block.meeting.get_absolute_url()).content.decode()
    )

    assert reverse("topics:edit", args=[world["topic"].pk]) not in html
    assert reverse("topics:remark-edit", args=[world["remark"].pk]) not in html
    assert reverse("deepdives:edit", args=[world["deep_dive"].pk]) not in html


def test_owner_sees_the_edit_controls(world):
    html = (
        client_for("owner", world)
        .get(world["topic"].block.meeting.get_absolute_url())
        .content.decode()
    )

    assert reverse("topics:edit", args=[world["topic"].pk]) in html
    assert reverse("topics:remark-edit", args=[world["remark"].pk]) in html
    assert reverse("deepdives:edit", args=[world["deep_dive"].pk]) in html


@pytest.mark.parametrize("status", ["locked", "held", "draft"])
def test_members_cannot_add_topics_unless_the_meeting_is_open(member_client, status):
    meeting = factories.meeting(status=status)

    response = member_client.post(
        reverse("topics:create", args=[meeting.date]),
        {"kind": "blog", "title": "x", "url": "", "notes": ""},
    )

    assert response.status_code == 403
    assert not Topic.objects.exists()


def test_organizers_can_add_to_a_locked_meeting(organizer_client):
    meeting = factories.meeting(status="locked")

    organizer_client.post(
        reverse("topics:create", args=[meeting.date]),
        {"kind": "blog", "title": "追加", "url": "", "notes": ""},
    )

    assert Topic.objects.get().title == "追加"


def test_anonymous_cannot_add_topics(client):
    meeting = factories.meeting()

    response = client.post(
        reverse("topics:create", args=[meeting.date]), {"kind": "blog", "title": "x"}
    )

    assert response.status_code == 302
    assert not Topic.objects.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.__name__)
def test_posts_without_csrf_token_are_refused(world, endpoint):
    url, data, happened = endpoint(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["owner"])

    response = client.post(url, data)

    assert response.status_code == 403
    assert happened() is False
