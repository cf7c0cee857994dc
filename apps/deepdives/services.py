"""Writes for the main topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from apps.core import changes
from apps.core.markdown import render_markdown
from apps.core.versioning import lock_current
from apps.links.services import link_for_pasted_url
from apps.meetings.models import Meeting
from apps.meetings.services import board_item_saved

from .models import DeepDive

if TYPE_CHECKING:
    from apps.accounts.models import User


def deep_dive_save(*, deep_dive: DeepDive) -> DeepDive:
    rendered = render_markdown(deep_dive.body, with_toc=True)
    deep_dive.body_html = rendered.html
    deep_dive.toc_html = rendered.toc_html
    deep_dive.full_clean(exclude=["meeting", "presenter", "link"])
    # No savepoint of its own: the callers' transaction (or this one) is all or nothing anyway.
    with transaction.atomic(savepoint=False):
        deep_dive.link = link_for_pasted_url(deep_dive.paper_url)
        if deep_dive.pk:
            deep_dive.version += 1
        deep_dive.save()
        board_item_saved(
            meeting_id=deep_dive.meeting_id,
            subject=changes.DEEP_DIVE,
            obj=deep_dive,
            link=deep_dive.link,
        )
    return deep_dive


@transaction.atomic
def deep_dive_set(
    *, meeting: Meeting, presenter: User, title: str, paper_url: str = "", body: str = ""
) -> DeepDive:
    """Create the meeting's main topic, or replace its content if it already has one."""
    deep_dive = DeepDive.objects.filter(meeting=meeting).first() or DeepDive(meeting=meeting)
    deep_dive.presenter = presenter
    deep_dive.title = title
    deep_dive.paper_url = paper_url
    deep_dive.body = body
    return deep_dive_save(deep_dive=deep_dive)


@transaction.atomic
def deep_dive_update(
    *, deep_dive: DeepDive, expected_version: int | None, title: str, paper_url: str, body: str
) -> DeepDive:
    current = lock_current(DeepDive.objects.all(), deep_dive.pk, expected_version)
    current.title = title
    current.paper_url = paper_url
    current.body = body
    return deep_dive_save(deep_dive=current)


@transaction.atomic
def deep_dive_assign(
    *, meeting: Meeting, presenter: User, paper_url: str = "", minutes: int = 30
) -> DeepDive:
    """The organizer names the main topic's presenter (and paper); the presenter writes it later."""
    deep_dive = DeepDive.objects.filter(meeting=meeting).first() or DeepDive(
        meeting=meeting, title=""
    )
    deep_dive.presenter = presenter
    deep_dive.minutes = minutes
    if paper_url:
        deep_dive.paper_url = paper_url
    return deep_dive_save(deep_dive=deep_dive)
