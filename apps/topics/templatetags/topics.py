from __future__ import annotations

from django import template

from apps.accounts import permissions
from apps.deepdives.models import DeepDive

from ..models import Remark, Topic

register = template.Library()

_EDIT_RULES = {
    Topic: permissions.can_edit_topic,
    Remark: permissions.can_edit_remark,
    DeepDive: permissions.can_edit_deep_dive,
}


@register.filter
def can_edit(obj, user) -> bool:
    """`{% if topic|can_edit:user %}`: the same rule the views enforce."""
    rule = _EDIT_RULES.get(type(obj))
    return bool(rule and user is not None and rule(user, obj))


@register.filter
def remark_board_url(remark: Remark) -> str:
    meeting = remark.topic.block.meeting if remark.topic_id else remark.deep_dive.meeting
    return f"{meeting.get_absolute_url()}#remark-{remark.pk}"
