from __future__ import annotations

from django import template

from apps.topics.models import Remark

register = template.Library()


@register.filter
def remark_board_url(remark: Remark) -> str:
    if remark.topic is not None:
        meeting = remark.topic.block.meeting
    else:
        assert remark.deep_dive is not None  # a remark is on a topic or on the main topic
        meeting = remark.deep_dive.meeting
    return f"{meeting.get_absolute_url()}#remark-{remark.pk}"
