"""How good are the related-paper lists? Precision@k against the members' own tags.

Tags are the one judgement of relatedness the archive already holds, so they are hidden from the
scorer (``exclude_tags=True``) and used as the answer: a neighbour is relevant when it shares at
least one of the paper's held-out tags. A paper counts when it has at least one held-out tag;
its precision is relevant neighbours / k (a short list is not excused), averaged over papers.

The two baselines run through the same measure: k random other papers (seeded, so a benchmark
prints the same figure twice), and tf-idf over title tokens alone.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace

from apps.papers.related import Neighbour, RelatedDoc, related_papers, tag_key


def _judged(doc: RelatedDoc, heldout: frozenset[str] | None) -> frozenset[str]:
    keys = frozenset(map(tag_key, doc.tags))
    return keys if heldout is None else keys & heldout


def precision_of_lists(
    docs: Iterable[RelatedDoc],
    lists: Mapping[int, Iterable[Neighbour | int]],
    *,
    k: int = 5,
    heldout: Collection[str] | None = None,
) -> float:
    """Mean precision@k of ``lists`` (neighbours or bare ids); ``heldout`` names the tags that
    decide relevance (all of a paper's tags when None)."""
    wanted = None if heldout is None else frozenset(map(tag_key, heldout))
    docs = list(docs)
    all_tags = {doc.id: frozenset(map(tag_key, doc.tags)) for doc in docs}
    total, judged = 0.0, 0
    for doc in docs:
        tags = _judged(doc, wanted)
        if not tags:
            continue
        judged += 1
        ids = [n.id if isinstance(n, Neighbour) else n for n in lists.get(doc.id, ())][:k]
        total += sum(1 for i in ids if all_tags.get(i, frozenset()) & tags) / k
    return total / judged if judged else 0.0


def precision_at_k(
    docs: Iterable[RelatedDoc], k: int = 5, heldout: Collection[str] | None = None
) -> float:
    """The scorer's precision@k, with tags kept out of the score."""
    docs = list(docs)
    return precision_of_lists(
        docs, related_papers(docs, k=k, exclude_tags=True), k=k, heldout=heldout
    )


def random_lists(docs: Iterable[RelatedDoc], *, k: int = 5, seed: int = 0) -> dict[int, list[int]]:
    ids = sorted(doc.id for doc in docs)
    rng = random.Random(seed)  # noqa: S311 -- a baseline, nothing secret
    lists = {}
    for doc_id in ids:
        picks = rng.sample(ids, min(k + 1, len(ids)))
        lists[doc_id] = [i for i in picks if i != doc_id][:k]
    return lists


def random_baseline(
    docs: Iterable[RelatedDoc],
    k: int = 5,
    heldout: Collection[str] | None = None,
    *,
    seed: int = 0,
) -> float:
    docs = list(docs)
    return precision_of_lists(docs, random_lists(docs, k=k, seed=seed), k=k, heldout=heldout)


def title_only_lists(docs: Iterable[RelatedDoc], *, k: int = 5) -> dict[int, list[Neighbour]]:
    # The same scorer with everything but the title taken away.
    bare = [replace(d, text="", tags=frozenset(), categories=frozenset()) for d in docs]
    return related_papers(bare, k=k, exclude_tags=True)


def title_only_baseline(
    docs: Iterable[RelatedDoc], k: int = 5, heldout: Collection[str] | None = None
) -> float:
    docs = list(docs)
    return precision_of_lists(docs, title_only_lists(docs, k=k), k=k, heldout=heldout)
