"""What the paper library does when the apps below it announce a change."""

from __future__ import annotations

from apps.core import changes

from .models import PaperLink
from .services import paper_fill_from_link, paper_for_link


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


def register() -> None:
    changes.listen(changes.LINK_CREATED, link_created)
    changes.listen(changes.LINK_METADATA, link_metadata_changed)
