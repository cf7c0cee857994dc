"""What topics do when a link they show changes (announced by the links app)."""

from __future__ import annotations

from django.db.models import Q

from apps.core import changes
from apps.meetings.services import meetings_touch

from .models import Topic, TopicLink
from .services import topic_save


def link_metadata_changed(change: changes.Change) -> None:
    """Topics pasted with a URL and no title take the source's title (members can override)."""
    link = change.obj
    if link.title:
        for topic in Topic.objects.filter(link=link, title="").select_related("block"):
            topic.title = link.title
            topic_save(topic=topic)
    link_card_changed(change)


def link_card_changed(change: changes.Change) -> None:
    """The card is part of every board that shows the link: their pages refresh."""
    showing = Topic.objects.filter(Q(link_id=change.pk) | Q(extra_links__link_id=change.pk))
    meetings_touch(meeting_ids=showing.values("block__meeting_id"))


def link_merged(change: changes.Change) -> None:
    """Two URLs of one page became one link: topics show the one that stays."""
    into = change.details["into"]
    Topic.objects.filter(link_id=change.pk).update(link_id=into)
    # A topic carrying both as extra links keeps one of them.
    TopicLink.objects.filter(link_id=change.pk, topic__extra_links__link_id=into).delete()
    TopicLink.objects.filter(link_id=change.pk).update(link_id=into)


def register() -> None:
    changes.listen(changes.LINK_MERGED, link_merged)
    changes.listen(changes.LINK_METADATA, link_metadata_changed)
    changes.listen(changes.LINK_CARD, link_card_changed)
