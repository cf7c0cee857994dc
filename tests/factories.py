"""Factories that write through the services, the same path as the app."""

from __future__ import annotations

import datetime as dt

import factory

from apps.accounts.models import User
from apps.deepdives.services import deep_dive_set
from apps.meetings.models import Meeting
from apps.meetings.services import meeting_create
from apps.topics.models import Remark, Topic
from apps.topics.services import remark_create, topic_create


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("handle",)
        skip_postgeneration_save = True

    handle = factory.Sequence(lambda n: f"m{n}")
    username = factory.LazyAttribute(lambda o: o.handle)
    display_name = factory.Sequence(lambda n: f"Member {n}")
    password = factory.django.Password("benkyokai-pass")
    is_organizer = False


def meeting(*, date: dt.date | None = None, **fields) -> Meeting:
    date = date or dt.date(2025, 3, 28) + dt.timedelta(weeks=Meeting.objects.count())
    return meeting_create(date=date, **fields)


def topic(*, meeting: Meeting | None = None, presenter: User | None = None, **fields) -> Topic:
    fields.setdefault("kind", Topic.Kind.BLOG)
    fields.setdefault("title", "RAGの検索性能を90%も低下させるテキストの落とし穴")
    fields.setdefault("notes", "- RAGの性能悪化をもたらすバイアスを紹介\n    - 位置バイアス")
    return topic_create(
        meeting=meeting or globals()["meeting"](),
        presenter=presenter or MemberFactory(),
        **fields,
    )


def remark(*, topic: Topic, author: User | None = None, body: str = "めちゃ速い") -> Remark:
    return remark_create(author=author or MemberFactory(), topic=topic, body=body)


def deep_dive(*, meeting: Meeting, presenter: User | None = None, **fields):
    fields.setdefault("title", "Reflective Memory Management for Long-term Dialogue Agents")
    fields.setdefault("paper_url", "https://arxiv.org/abs/2503.08026")
    fields.setdefault("body", "## 1. Introduction\n\nLLMは…\n\n## 2. 提案手法\n\nRMM")
    return deep_dive_set(meeting=meeting, presenter=presenter or MemberFactory(), **fields)


def remark_create_on_deep_dive(
    *, deep_dive, author: User | None = None, body: str = "実験設定が気になる"
) -> Remark:
    return remark_create(author=author or MemberFactory(), deep_dive=deep_dive, body=body)
