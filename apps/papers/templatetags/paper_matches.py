"""The note on a `[論文]` card that tells organizers its imported paper awaits them."""

from __future__ import annotations

from django import template

from apps.papers.models import PaperMatch

register = template.Library()


@register.simple_tag(takes_context=True)
def paper_match_for(context, topic) -> PaperMatch | None:
    """The topic's paper match if it needs an organizer (suggestions, not found, failed).

    Only organizers' cards ask, and only for URL-less papers; then one query per meeting and
    request, however many cards the board has.
    """
    if not context.get("user_is_organizer") or topic.url or topic.kind != "paper":
        return None
    meeting = context.get("meeting")
    request = context.get("request")
    if meeting is None or request is None:  # a card on its own: its own query
        return (
            PaperMatch.objects.open()
            .filter(topic=topic, status__in=PaperMatch.NEEDS_REVIEW)
            .first()
        )
    loaded = request.__dict__.setdefault("_paper_matches_by_meeting", {})
    if meeting.pk not in loaded:
        matches = PaperMatch.objects.open().filter(
            topic__block__meeting_id=meeting.pk, status__in=PaperMatch.NEEDS_REVIEW
        )
        loaded[meeting.pk] = {match.topic_id: match for match in matches}
    return loaded[meeting.pk].get(topic.pk)
