"""Related papers for the whole library, precomputed in the worker and stored on each paper.

The paper page only reads `Paper.related`; nothing is scored per request. The text of a paper
is everything the group wrote about it: its abstract, the library notes, the notes of the
topics that presented it and their remarks.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from apps.topics.models import Remark, Topic

from .models import LibraryNote, Paper, PaperLink
from .related import RelatedDoc, related_papers

K = 5
BATCH = 1000


def _texts() -> dict[int, list[str]]:
    """Paper id → what the group wrote about it, in three queries."""
    texts: dict[int, list[str]] = defaultdict(list)
    library_notes = LibraryNote.objects.values_list(
        "paper_id", "summary", "comment", "sections", "qa"
    )
    for paper_id, summary, comment, sections, qa in library_notes.iterator(chunk_size=BATCH):
        texts[paper_id] += [summary, comment]
        texts[paper_id] += [f"{s.get('heading', '')} {s.get('body', '')}" for s in sections]
        texts[paper_id] += [f"{p.get('question', '')} {p.get('answer', '')}" for p in qa]
    paper_of_link = dict(PaperLink.objects.values_list("link_id", "paper_id"))
    topic_paper = {}
    topics = (
        Topic.objects.live()
        .filter(link_id__in=paper_of_link)
        .values_list("pk", "link_id", "title", "notes")
    )
    for pk, link_id, title, notes in topics.iterator(chunk_size=BATCH):
        topic_paper[pk] = paper_of_link[link_id]
        texts[paper_of_link[link_id]] += [title, notes]
    remarks = Remark.objects.filter(topic_id__in=topic_paper).values_list("topic_id", "body")
    for topic_id, body in remarks.iterator(chunk_size=BATCH):
        texts[topic_paper[topic_id]].append(body)
    return texts


def library_docs() -> list[RelatedDoc]:
    texts = _texts()
    tags: dict[int, set[str]] = defaultdict(set)
    for paper_id, label in Paper.tags.through.objects.values_list("paper_id", "tag__label"):
        tags[paper_id].add(label)
    docs = []
    for pk, title, abstract, categories in Paper.objects.values_list(
        "pk", "title", "abstract", "categories"
    ).iterator(chunk_size=BATCH):
        docs.append(
            RelatedDoc(
                id=pk,
                title=title,
                text="\n".join([abstract, *texts.get(pk, [])]),
                tags=frozenset(tags.get(pk, ())),
                categories=frozenset(categories or []),
            )
        )
    return docs


def related_refresh() -> int:
    """Score the whole library and store every paper's neighbours; returns papers updated."""
    lists = related_papers(library_docs(), k=K)
    now = timezone.now()
    papers = []
    for pk, neighbours in lists.items():
        related = [{"id": n.id, "score": n.score, "reasons": list(n.reasons)} for n in neighbours]
        papers.append(Paper(pk=pk, related=related, related_at=now))
    with transaction.atomic():
        Paper.objects.bulk_update(papers, ["related", "related_at"], batch_size=BATCH)
    return len(papers)
