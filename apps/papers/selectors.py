"""Reads for papers: earlier presentations (既出), where the group met a paper or page before."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet

from apps.deepdives.models import DeepDive
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.meetings.models import Meeting
from apps.topics.models import Remark, Topic

from .models import LibraryNote, Paper, PaperLink, Tag
from .queue_selectors import open_vote_count_subquery


@dataclass(frozen=True)
class Presentation:
    date: dt.date
    presenter: str
    title: str
    url: str  # the board, at the topic or the deep dive


def earlier_presentations(*, link_ids: set[int], before: dt.date) -> dict[int, list[Presentation]]:
    """For each link, the topics and deep dives that cited it in meetings before `before`."""
    found: dict[int, list[Presentation]] = defaultdict(list)
    if not link_ids:
        return found
    topics = (
        Topic.objects.live()
        .filter(link_id__in=link_ids, block__meeting__date__lt=before)
        .select_related("block__meeting", "block__presenter")
    )
    for topic in topics:
        assert topic.link_id is not None  # filtered on link_id above
        meeting = topic.block.meeting
        found[topic.link_id].append(
            Presentation(
                meeting.date,
                topic.block.presenter.display_name,
                topic.display_title,
                f"{meeting.get_absolute_url()}#{topic.anchor}",
            )
        )
    deep_dives = DeepDive.objects.filter(
        link_id__in=link_ids, meeting__date__lt=before
    ).select_related("meeting", "presenter")
    for deep_dive in deep_dives:
        assert deep_dive.link_id is not None  # filtered on link_id above
        found[deep_dive.link_id].append(
            Presentation(
                deep_dive.meeting.date,
                deep_dive.presenter.display_name,
                deep_dive.title,
                f"{deep_dive.meeting.get_absolute_url()}#deep-dive",
            )
        )
    for presentations in found.values():
        presentations.sort(key=lambda p: p.date, reverse=True)
    return found


def attach_earlier_presentations(topics: Iterable[Topic], *, before: dt.date) -> None:
    """Give each topic its `earlier_presentations` (既出) and its library `paper` for its card,
    in one query per kind of source and one for the papers."""
    topics = list(topics)
    link_ids = {t.link_id for t in topics if t.link_id}
    earlier = earlier_presentations(link_ids=link_ids, before=before)
    papers = (
        {
            pl.link_id: pl.paper
            for pl in PaperLink.objects.filter(link_id__in=link_ids).select_related("paper")
        }
        if link_ids
        else {}
    )
    for topic in topics:
        # Card-only attributes that the topic card template reads.
        topic.earlier_presentations = (  # type: ignore[attr-defined]
            earlier.get(topic.link_id, []) if topic.link_id else []
        )
        topic.paper = papers.get(topic.link_id) if topic.link_id else None  # type: ignore[attr-defined]


def earlier_presentations_of_url(url: str, *, before: dt.date) -> list[Presentation]:
    """For the add form: has the group seen this paper or page before?"""
    try:
        target = canonicalize(url)
    except ValueError:
        return []
    link = Link.objects.filter(canonical_url=target.canonical_url).first()
    if link is None:
        return []
    return earlier_presentations(link_ids={link.pk}, before=before).get(link.pk, [])


# --- the paper page and the library ---------------------------------------------------------


@dataclass
class PaperPage:
    paper: Paper
    card: Link | None  # the fetched card of the paper's main link
    topics: list[Topic]  # every topic whose source or extra link is the paper, newest first
    deep_dives: list[DeepDive]
    notes: list[LibraryNote]
    related: list[tuple[Paper, list[str]]]  # precomputed neighbours with their reasons
    voters: list = field(default_factory=list)


def paper_page(*, paper_id: int) -> PaperPage | None:
    """Everything the group has about one paper, in a fixed number of queries."""
    paper = (
        Paper.objects.select_related("paper_match__resolved_by")
        .prefetch_related("tags", "links__link")
        .filter(pk=paper_id)
        .first()
    )
    if paper is None:
        return None
    link_ids = [pl.link_id for pl in paper.links.all()]
    remarks = Remark.objects.select_related("author").order_by("created_at", "pk")
    topics = list(
        Topic.objects.live()
        .filter(Q(link_id__in=link_ids) | Q(extra_links__link_id__in=link_ids))
        .distinct()
        .select_related("block__meeting", "block__presenter", "link")
        .prefetch_related(Prefetch("remarks", queryset=remarks), "slides_uploads")
        .order_by("-block__meeting__date", "pk")
    )
    deep_dives = list(
        DeepDive.objects.filter(link_id__in=link_ids)
        .select_related("meeting", "presenter")
        .prefetch_related(Prefetch("remarks", queryset=remarks))
        .order_by("-meeting__date")
    )
    notes = list(paper.notes.select_related("author").prefetch_related("tags"))
    ranked = [(entry["id"], entry.get("reasons", [])) for entry in paper.related]
    neighbours = Paper.objects.in_bulk([pk for pk, _ in ranked])
    related = [(neighbours[pk], reasons) for pk, reasons in ranked if pk in neighbours]
    cards = [pl.link for pl in paper.links.all()]
    card = next((c for c in cards if c.status == Link.Status.OK), cards[0] if cards else None)
    return PaperPage(paper, card, topics, deep_dives, notes, related)


LIBRARY_SORTS = {
    "noted": "-last_noted",
    "discussed": "-encounter_count",
    "wanted": "-wanted_count",
    "new": "-created_at",
}


@dataclass
class LibraryFilters:
    tag: str = ""
    category: str = ""
    year: int | None = None
    presented: str = ""  # "yes", "no" or "" (either)
    noted_by: str = ""  # a member's handle
    sort: str = "noted"


def _has_category(code: str) -> Q:
    if connection.features.supports_json_field_contains:
        return Q(categories__contains=[code])
    # SQLite has no JSON containment: look for the quoted code in the stored JSON text.
    return Q(categories__icontains=json.dumps(code))


def library_papers(filters: LibraryFilters) -> QuerySet[Paper]:
    """The library's papers, filtered and sorted; the caller pages them."""
    papers = (
        Paper.objects.with_counts()
        .annotate(wanted_count=open_vote_count_subquery())
        .prefetch_related("tags")
    )
    if filters.tag:
        papers = papers.filter(tags__slug=filters.tag)
    if filters.category:
        papers = papers.filter(_has_category(filters.category))
    if filters.year:
        papers = papers.filter(published__year=filters.year)
    if filters.noted_by:
        papers = papers.filter(notes__author__handle=filters.noted_by)
    # The plugin does not see with_counts()'s annotations (hence the ignores).
    if filters.presented == "yes":
        papers = papers.filter(encounter_count__gt=0)  # type: ignore[misc]
    elif filters.presented == "no":
        papers = papers.filter(encounter_count=0)  # type: ignore[misc]
    order = LIBRARY_SORTS.get(filters.sort, LIBRARY_SORTS["noted"])
    return papers.distinct().order_by(F(order.lstrip("-")).desc(nulls_last=True), "-pk")


def tag_cloud(*, limit: int = 200) -> list[Tag]:
    """The tags in use, most papers first: what the library offers to browse by."""
    return list(
        Tag.objects.annotate(n=Count("papers", distinct=True))
        .filter(n__gt=0)
        .order_by("-n", "label")[:limit]
    )


def papers_of_meeting(meeting: Meeting) -> list[Paper]:
    """The papers a meeting's topics and main topic were about, in agenda order."""
    topics = (
        Topic.objects.live()
        .filter(block__meeting=meeting, link__paper_link__isnull=False)
        .order_by("block__position", "block__pk", "position", "pk")
        .values_list("link__paper_link__paper_id", flat=True)
    )
    ids = list(dict.fromkeys(topics))
    main = DeepDive.objects.filter(meeting=meeting, link__paper_link__isnull=False).values_list(
        "link__paper_link__paper_id", flat=True
    )
    ids += [pk for pk in main if pk not in ids]
    found = Paper.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


@dataclass(frozen=True)
class RelatedPastTopic:
    paper: Paper
    topic: Topic | None  # the newest topic that presented it, if the group has
    reasons: list[str]


def related_past_topics(paper: Paper | None, *, limit: int = 5) -> list[RelatedPastTopic]:
    """While a presenter edits a topic: the precomputed related papers, each with the newest
    topic that presented it (関連する過去のトピック). Two queries, nothing scored here."""
    if paper is None or not paper.related:
        return []
    ranked = [(entry["id"], entry.get("reasons", [])) for entry in paper.related[:limit]]
    papers = Paper.objects.in_bulk([pk for pk, _ in ranked])
    links = PaperLink.objects.filter(paper_id__in=papers).values_list("link_id", "paper_id")
    paper_of_link = dict(links)
    newest: dict[int, Topic] = {}
    topics = (
        Topic.objects.live()
        .filter(link_id__in=paper_of_link)
        .select_related("block__meeting", "block__presenter")
        .order_by("-block__meeting__date", "-pk")
    )
    for topic in topics:
        assert topic.link_id is not None  # filtered on link_id above
        newest.setdefault(paper_of_link[topic.link_id], topic)
    return [
        RelatedPastTopic(papers[pk], newest.get(pk), reasons)
        for pk, reasons in ranked
        if pk in papers
    ]
