"""聞きたい on a topic card: its count, the viewer's vote and the voters."""

from __future__ import annotations

from django import template

from apps.meetings.models import Meeting
from apps.papers.permissions import can_see_voters as _can_see_voters
from apps.papers.permissions import can_withdraw_entry
from apps.papers.queue import topic_is_past
from apps.papers.queue_selectors import VoteState, topic_vote_states
from apps.topics.models import Topic

register = template.Library()


@register.simple_tag(takes_context=True)
def topic_vote(context, topic: Topic) -> VoteState:
    """The card's vote state; one load per meeting and request, however many cards."""
    request = context.get("request")
    viewer = context.get("user")
    meeting: Meeting = topic.block.meeting
    viewer = viewer if viewer is not None and viewer.is_authenticated else None
    if request is None:
        return topic_vote_states(meeting=meeting, viewer=viewer).get(topic.pk, VoteState())
    loaded = request.__dict__.setdefault("_topic_votes_by_meeting", {})
    if meeting.pk not in loaded:
        loaded[meeting.pk] = topic_vote_states(meeting=meeting, viewer=viewer)
    return loaded[meeting.pk].get(topic.pk, VoteState())


@register.filter
def is_past_topic(topic: Topic) -> bool:
    return topic_is_past(topic)


@register.filter
def can_see_voters(user) -> bool:
    return _can_see_voters(user)


@register.filter
def get_vote(states: dict, entry_id: int) -> VoteState:
    return states.get(entry_id) or VoteState()


@register.filter
def can_withdraw(entry, user) -> bool:
    return can_withdraw_entry(user, entry)
