from __future__ import annotations

from django import template

from apps.topics.models import Remark

register = template.Library()


@register.filter
def remark_board_url(remark: Remark) -> str:
    meeting = remark.topic.block.meeting if remark.topic_id else remark.deep_dive.meeting
    return f"{meeting.get_absolute_url()}#remark-{remark.pk}"
