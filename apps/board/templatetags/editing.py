"""`{% if topic|can_edit:user %}`: templates ask the same rules the views enforce."""

from __future__ import annotations

from django import template

from apps.deepdives.models import DeepDive
from apps.deepdives.permissions import can_edit_deep_dive
from apps.topics.models import Remark, Topic
from apps.topics.permissions import can_edit_remark, can_edit_topic

register = template.Library()

_EDIT_RULES = {
    Topic: can_edit_topic,
    Remark: can_edit_remark,
    DeepDive: can_edit_deep_dive,
}


@register.filter
def can_edit(obj, user) -> bool:
    rule = _EDIT_RULES.get(type(obj))
    return bool(rule and user is not None and rule(user, obj))
