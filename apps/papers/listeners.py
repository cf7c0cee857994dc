"""What the paper library does when the apps below it announce a change."""

from __future__ import annotations

import logging

from django.db import transaction

from apps.core import changes

from .models import PaperLink
from .services import paper_fill_from_link, paper_for_link
from .tasks import schedule_related_refresh

logger = logging.getLogger(__name__)


def link_created(change: changes.Change) -> None:
    """A pasted URL that names a paper (arXiv, DOI, OpenReview, ACL) attaches to its paper."""
    paper_for_link(change.obj)


def link_metadata_changed(change: changes.Change) -> None:
    """The paper's card takes the fetched title, authors, abstract and categories."""
    attached = PaperLink.objects.filter(link_id=change.pk).select_related("paper").first()
    if attached is None:
        paper_for_link(change.obj)
        return
    paper_fill_from_link(paper=attached.paper, link=change.obj)


def library_changed(change: changes.Change) -> None:
    """Notes, tags and cards feed the related papers: refresh them once things settle.

    An import announces thousands of changes in one transaction: every one registers the same
    callback, and the first to run after the commit queues the refresh for all of them.
    """
    transaction.get_connection()._related_refresh_pending = True  # type: ignore[attr-defined]
    transaction.on_commit(_schedule_related, robust=True)


def _schedule_related() -> None:
    connection = transaction.get_connection()
    if not getattr(connection, "_related_refresh_pending", False):
        return  # queued by an earlier callback of the same commit
    connection._related_refresh_pending = False  # type: ignore[attr-defined]
    try:
        schedule_related_refresh()
    except Exception:  # the broker is down: beat's hourly refresh catches up
        logger.warning("could not queue the related-papers refresh", exc_info=True)


def link_merged(change: changes.Change) -> None:
    """The paper keeps the link that stays, unless that one already is a paper's."""
    into = change.details["into"]
    if not PaperLink.objects.filter(link_id=into).exists():
        PaperLink.objects.filter(link_id=change.pk).update(link_id=into)


def register() -> None:
    changes.listen(changes.LINK_MERGED, link_merged)
    changes.listen(changes.LINK_CREATED, link_created)
    changes.listen(changes.LINK_METADATA, link_metadata_changed)
    changes.listen(changes.LIBRARY_NOTE, library_changed)
    changes.listen(changes.PAPER, library_changed)
    changes.listen(changes.LIBRARY_WRITTEN, library_changed)
