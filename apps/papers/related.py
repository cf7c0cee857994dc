"""Related papers (関連する論文), computed from the group's own archive with no external service.

A pure module: the paper library hands it plain :class:`RelatedDoc` values from a background task
and stores the lists it returns.

The score of a pair of papers ``a``, ``b`` is one formula with named constants::

    score(a, b) = W_TEXT · cos_text(a, b)
                + W_TAGS · cos_tags(a, b)                      (left out with exclude_tags=True)
                + W_CATEGORIES · jaccard(categories of a, b)   (only if one of the two above is > 0)

- ``cos_text`` is the cosine of tf-idf vectors over the search tokenizer's tokens
  (:mod:`apps.core.tokenizer`: Japanese as overlapping bigrams, Latin as words). A token's
  frequency is ``TITLE_WEIGHT · (count in the title) + (count in the text)``, damped as
  ``1 + ln(frequency)``, times ``idf = ln((N + 1) / df)``. Tokens of one character, pure numbers,
  tokens found in a single paper and tokens found in more than ``max_token_df`` papers are left
  out: they either cannot be shared, repeat a bigram, or are shared by everything. A vector is
  normalized over its kept tokens, then cut to its ``MAX_TERMS`` heaviest.
- ``cos_tags`` is the cosine of the tag sets weighted by the tags' idf (an idf-weighted Ochiai
  coefficient, the cosine cousin of a weighted Jaccard): sharing a rare tag such as ``#RLVR``
  counts much more than sharing a tag half the library carries. Tags compare after NFKC, lower
  case and without a leading ``#``; tags on more than ``max_tag_df`` papers are left out.
- Categories (``cs.CL``, ``cs.LG``…) are few and broad, so they only tip the order between papers
  already related by words or tags and never make a neighbour on their own.

Neighbours are ranked by score descending, then id ascending, scores rounded to
``SCORE_DIGITS`` decimals so that the order never rests on float noise.

**Finding the neighbours** in two steps, because scoring every pair that shares a token is
quadratic in the archive's size: at 20,000 papers the common topical words mean about 600
million additions, minutes of pure Python. First, candidates: a paper's ``POOL`` best papers by a
*candidate score*, the same formula over pruned postings, where each token (and tag) keeps only
the ``MAX_POSTINGS`` papers it weighs most in; that bounds the work per token. Then each
candidate gets its exact score and the best ``k`` are the list. On the bench (bench/related.py,
20,000 papers, tags hidden, precision@5 on topical tags) the candidate score alone reaches 0.39,
re-scoring the pool 0.56, the search over every shared token 0.59 at five times the cost.

**Updating one paper** (:meth:`RelatedIndex.update`, :meth:`RelatedIndex.delete`): corpus
statistics (document frequencies, caps, posting floors) are frozen when the index is built, so a
paper's vectors depend on that paper alone and the score of a pair not involving the changed
paper X stays the same. A paper Y's list can then change only if X was or now is in Y's pool (a
pool member leaving lets the next candidate in; one arriving may push one out or enter the list
itself). The candidate score is symmetric, so one pass over X's postings before the change and
one after give X's candidate score against every paper, and the index remembers the lowest
candidate in each pool: exactly those Y are recomputed, the rest keep their lists. The result
equals a full recompute under the same statistics (the tests check this). The background task
rebuilds the index now and then (nightly, or when the library grew by a few percent) to refresh
the statistics themselves.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise, repeat
from operator import add, itemgetter, mul

from apps.core.tokenizer import MAX_FIELD_TOKENS, normalize, tokenize
from apps.papers.related_reasons import kanji_katakana_runs, pair_reasons

# A word in the title says more about what a paper is than the same word in a remark (1 to 6
# measured alike on the bench, whose titles are generated; 3 is the judgement for real ones).
TITLE_WEIGHT = 3.0
# The text cosine is the unit the other parts are measured in. Tags are chosen by people and
# say more than any word, but precision against tags cannot weigh them (it would grade tags by
# tags), so W_TAGS is a judgement: one shared rare tag is worth about a good text match.
W_TEXT = 1.0
W_TAGS = 0.6
W_CATEGORIES = 0.05
# Heaviest tokens kept per paper: 64 measured no better, and the re-scoring costs per token.
MAX_TERMS = 48
# A token or tag found in more papers than max(DF_CAP_MIN, DF_CAP_RATIO · N) is left out: it
# relates everything to everything. The floor keeps a small library from losing ordinary words.
# Tokens: a cap at 5% of the papers cut precision (it drops the words of popular topics), 20%
# to 100% measured the same. Tags: `#Pocket` or `#NLP` sit on a third of the notes and mean
# nothing about the topic.
TOKEN_DF_CAP_RATIO = 0.5
TOKEN_DF_CAP_MIN = 50
TAG_DF_CAP_RATIO = 0.2
TAG_DF_CAP_MIN = 50
# A token that only one paper has cannot relate two papers.
MIN_DF = 2
# Candidate search: postings kept per token or tag, and candidates re-scored per paper. Doubling
# either gains under 0.01 of precision@5 for about 1.5 times the work.
MAX_POSTINGS = 100
POOL = 50
SCORE_DIGITS = 6
MAX_REASONS = 5

_by_key = itemgetter(0)
_by_weight = itemgetter(1)


@dataclass(frozen=True, slots=True)
class RelatedDoc:
    """One paper as the scorer sees it; ``text`` is abstract, library notes, topic notes and
    remarks about the paper, concatenated."""

    id: int
    title: str
    text: str
    tags: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Neighbour:
    id: int
    score: float
    # Short strings for the UI: `#RLVR` (a shared tag), `強化学習` or `reward` (shared words),
    # `cs.CL` (a shared arXiv category). Words never contain `#` or `.`, so the kinds stay apart.
    reasons: tuple[str, ...] = ()


def tag_key(tag: str) -> str:
    """How tags compare: `#RLVR`, `rlvr` and `ＲＬＶＲ` are one tag."""
    return normalize(tag).strip().lstrip("#").strip()


def _kept_token(token: str) -> bool:
    # One character is the tail of a CJK run (its bigram says it already), a lone particle or a
    # stray letter; a number alone (`2`, `000`) is a version or an amount. Neutral on the bench
    # (also dropping all-hiragana bigrams measured the same), and fewer tokens to carry.
    return len(token) > 1 and not token.isdigit()


def _field_tokens(normalized: str) -> list[str]:
    return tokenize(normalized, normalized=True)[:MAX_FIELD_TOKENS]


@dataclass(frozen=True, slots=True)
class _Parsed:
    """What the scorer reads from a paper, computed once per paper."""

    normalized: str  # title and text, for the reasons' word lookups
    # token → TITLE_WEIGHT · title count + text count; every token, the vocabulary filters
    counts: dict[str, float]
    tags: dict[str, str]  # tag key → the spelling this paper uses, by key


def _parse(doc: RelatedDoc) -> _Parsed:
    title, text = normalize(doc.title), normalize(doc.text)
    # Counter counts in C; only the title's few tokens are weighted one by one.
    counts: dict[str, float] = dict(Counter(_field_tokens(text)))
    for token, n in Counter(_field_tokens(title)).items():
        counts[token] = counts.get(token, 0) + TITLE_WEIGHT * n
    tags: dict[str, str] = {}
    for tag in sorted(doc.tags):
        key = tag_key(tag)
        if key:
            tags.setdefault(key, tag if tag.startswith("#") else f"#{tag}")
    return _Parsed(f"{title}\n{text}", counts, dict(sorted(tags.items())))


def _df_cap(n_docs: int, ratio: float, floor: int) -> int:
    return max(floor, math.ceil(ratio * n_docs))


def _idf(n_docs: int, df: int) -> float:
    return math.log((n_docs + 1) / df)


@dataclass(frozen=True)
class CorpusStatistics:
    """What a paper's vectors depend on besides the paper itself, frozen when an index is built."""

    doc_count: int
    max_token_df: int
    max_tag_df: int
    # token → (id, idf), ids in sorted token order: every sum runs in id order, so a pair's
    # candidate score is bit-for-bit the same from either side (the update path relies on it).
    vocabulary: Mapping[str, tuple[int, float]] = field(repr=False)
    tokens: tuple[str, ...] = field(repr=False)
    tag_idf: Mapping[str, float] = field(repr=False)
    # Lowest unit weight that keeps a token id or tag key in the candidate postings.
    term_floors: Mapping[int, float] = field(repr=False, default_factory=dict)
    tag_floors: Mapping[str, float] = field(repr=False, default_factory=dict)


_Vectors = tuple[list[dict[int, float]], list[dict[str, float]]]


def _statistics(parsed: list[_Parsed]) -> tuple[CorpusStatistics, _Vectors]:
    """The statistics of a corpus, and its papers' vectors under them."""
    token_df: Counter[str] = Counter()
    tag_df: Counter[str] = Counter()
    for p in parsed:
        token_df.update(p.counts.keys())
        tag_df.update(p.tags.keys())
    n = len(parsed)
    max_token_df = _df_cap(n, TOKEN_DF_CAP_RATIO, TOKEN_DF_CAP_MIN)
    max_tag_df = _df_cap(n, TAG_DF_CAP_RATIO, TAG_DF_CAP_MIN)
    kept = sorted(
        t for t, df in token_df.items() if MIN_DF <= df <= max_token_df and _kept_token(t)
    )
    stats = CorpusStatistics(
        doc_count=n,
        max_token_df=max_token_df,
        max_tag_df=max_tag_df,
        vocabulary={t: (i, _idf(n, token_df[t])) for i, t in enumerate(kept)},
        tokens=tuple(kept),
        tag_idf={t: _idf(n, df) for t, df in sorted(tag_df.items()) if MIN_DF <= df <= max_tag_df},
    )
    terms = [_term_weights(p, stats) for p in parsed]
    tags = [_tag_weights(p, stats) for p in parsed]
    stats = replace(stats, term_floors=_floors(terms), tag_floors=_floors(tags))
    return stats, (terms, tags)


def _floors(vectors: list[dict]) -> dict:
    """A common token keeps only its MAX_POSTINGS heaviest candidate postings: the papers where
    it is a large part of the text. The cut is a weight per token, not a list of papers, so a
    paper's postings still depend on that paper alone and candidate scores stay symmetric."""
    weights: dict = {}
    for vector in vectors:
        for key, w in vector.items():
            weights.setdefault(key, []).append(w)
    return {
        key: heapq.nlargest(MAX_POSTINGS, ws)[-1]
        for key, ws in weights.items()
        if len(ws) > MAX_POSTINGS
    }


def _unit(weights: dict, limit: int | None = None) -> dict:
    """``weights`` scaled to length 1, then cut to the ``limit`` heaviest; ascending keys."""
    return _unit_items(sorted(weights.items(), key=_by_key), limit)


def _unit_items(items: list[tuple], limit: int | None = None) -> dict:
    # Key order first: the norm and the cut must not depend on the order tokens came in.
    if not items:
        return {}
    norm = math.hypot(*map(_by_weight, items))
    if limit is not None and len(items) > limit:
        # Stable: among equal weights the smaller key stays.
        items = sorted(sorted(items, key=_by_weight, reverse=True)[:limit], key=_by_key)
    return {key: w / norm for key, w in items}


def _term_weights(parsed: _Parsed, stats: CorpusStatistics) -> dict[int, float]:
    # Mapped in C over the ~200 known tokens of a paper: this runs for every paper of a build.
    counts, vocabulary = parsed.counts, stats.vocabulary
    known = counts.keys() & vocabulary.keys()
    ids_idfs = list(map(vocabulary.__getitem__, known))
    damped = map(add, repeat(1.0), map(math.log, map(counts.__getitem__, known)))
    weights = map(mul, damped, map(_by_weight, ids_idfs))
    items = sorted(zip(map(_by_key, ids_idfs), weights, strict=True), key=_by_key)
    return _unit_items(items, MAX_TERMS)


def _tag_weights(parsed: _Parsed, stats: CorpusStatistics) -> dict[str, float]:
    tag_idf = stats.tag_idf
    return _unit({key: tag_idf[key] for key in parsed.tags if key in tag_idf})


def _above(vector: dict, floors: Mapping) -> tuple:
    return tuple((key, w) for key, w in vector.items() if w >= floors.get(key, 0.0))


@dataclass(frozen=True, slots=True)
class _Entry:
    doc: RelatedDoc
    normalized: str
    # Sparse unit vectors as parallel tuples, ascending keys. A pair is scored by looking the
    # other paper's keys up in this paper's dict (built once per list): streaming through tuples
    # beats intersecting key sets scattered over memory, measured about 1.4x.
    term_ids: tuple[int, ...]
    term_weights: tuple[float, ...]
    tag_keys: tuple[str, ...]
    tag_weights: tuple[float, ...]
    tag_names: dict[str, str]  # tag key → the spelling this paper uses
    categories: frozenset[str]
    candidate_terms: tuple[tuple[int, float], ...]  # the postings this paper is in
    candidate_tags: tuple[tuple[str, float], ...]

    def term_map(self) -> dict[int, float]:
        return dict(zip(self.term_ids, self.term_weights, strict=True))

    def tag_map(self) -> dict[str, float]:
        return dict(zip(self.tag_keys, self.tag_weights, strict=True))


def _entry(
    doc: RelatedDoc,
    stats: CorpusStatistics,
    parsed: _Parsed | None = None,
    vectors: tuple[dict[int, float], dict[str, float]] | None = None,
) -> _Entry:
    parsed = parsed or _parse(doc)
    if vectors is None:
        vectors = _term_weights(parsed, stats), _tag_weights(parsed, stats)
    terms, tags = vectors
    return _Entry(
        doc=doc,
        normalized=parsed.normalized,
        term_ids=tuple(terms),
        term_weights=tuple(terms.values()),
        tag_keys=tuple(tags),
        tag_weights=tuple(tags.values()),
        tag_names={key: parsed.tags[key] for key in tags},
        categories=frozenset(doc.categories),
        candidate_terms=_above(terms, stats.term_floors),
        candidate_tags=_above(tags, stats.tag_floors),
    )


def _dot(weights: dict, keys: tuple, values: tuple) -> float:
    # In the order of `keys` (ascending), with 0.0 for keys `weights` lacks: the same products
    # summed in the same order from either side of a pair, so the score is exactly symmetric.
    return sum(map(mul, map(weights.get, keys, repeat(0.0)), values))


def _category_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if shared else 0.0


def _score(
    terms: dict[int, float],
    tags: dict[str, float] | None,
    categories: frozenset[str],
    other: _Entry,
) -> float:
    """The documented formula for one pair, from one paper's maps (``tags`` None: excluded);
    0 when nothing but categories is shared."""
    s = W_TEXT * _dot(terms, other.term_ids, other.term_weights)
    if tags and other.tag_keys:
        s += W_TAGS * _dot(tags, other.tag_keys, other.tag_weights)
    if s <= 0:
        return 0.0
    return round(
        s + W_CATEGORIES * _category_similarity(categories, other.categories), SCORE_DIGITS
    )


_Rank = tuple[float, int]  # (candidate score, -id): larger is better, as the pool ranks


class RelatedIndex:
    """Papers as sparse vectors with pruned inverted postings, built once and updated per paper.

    ``k`` and ``exclude_tags`` are fixed per index: the pools the update path keeps track of
    depend on them.
    """

    def __init__(self, statistics: CorpusStatistics, *, k: int = 5, exclude_tags: bool = False):
        self.statistics = statistics
        self.k = k
        self.exclude_tags = exclude_tags
        self._entries: dict[int, _Entry] = {}
        self._term_postings: dict[int, dict[int, float]] = {}
        self._tag_postings: dict[str, dict[int, float]] = {}
        self._lists: dict[int, list[Neighbour]] = {}
        # Per paper whose list is current: the rank of the last pool member, or None when the
        # pool holds every candidate (then any paper with a candidate score > 0 belongs in it).
        self._pool_floor: dict[int, _Rank | None] = {}

    @classmethod
    def build(
        cls,
        docs: Iterable[RelatedDoc],
        *,
        statistics: CorpusStatistics | None = None,
        k: int = 5,
        exclude_tags: bool = False,
    ) -> RelatedIndex:
        """Index ``docs``; with ``statistics`` (an older index's), reuse them instead of
        counting."""
        # Ascending ids: postings, and so every tie between equal scores, come out the same way.
        docs = sorted(docs, key=lambda d: d.id)
        if any(a.id == b.id for a, b in pairwise(docs)):
            raise ValueError("two documents share an id")
        parsed = [_parse(doc) for doc in docs]
        if statistics is None:
            statistics, (terms, tags) = _statistics(parsed)
        else:
            terms = [_term_weights(p, statistics) for p in parsed]
            tags = [_tag_weights(p, statistics) for p in parsed]
        index = cls(statistics, k=k, exclude_tags=exclude_tags)
        for doc, p, t, g in zip(docs, parsed, terms, tags, strict=True):
            index._add(_entry(doc, statistics, p, (t, g)))
        return index

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._entries

    @property
    def ids(self) -> list[int]:
        return sorted(self._entries)

    def _add(self, entry: _Entry) -> None:
        doc_id = entry.doc.id
        self._entries[doc_id] = entry
        for tid, w in entry.candidate_terms:
            self._term_postings.setdefault(tid, {})[doc_id] = w
        for key, w in entry.candidate_tags:
            self._tag_postings.setdefault(key, {})[doc_id] = w

    def _remove(self, doc_id: int) -> None:
        entry = self._entries.pop(doc_id)
        for tid, _ in entry.candidate_terms:
            del self._term_postings[tid][doc_id]
        for key, _ in entry.candidate_tags:
            del self._tag_postings[key][doc_id]
        self._lists.pop(doc_id, None)
        self._pool_floor.pop(doc_id, None)

    # -- scoring ----------------------------------------------------------------------------

    def entry_for(self, doc: RelatedDoc) -> _Entry:
        return _entry(doc, self.statistics)

    def candidate_scores(self, entry: _Entry) -> dict[int, float]:
        """Every other paper's candidate score against ``entry`` (> 0 only)."""
        acc: dict[int, float] = {}
        get = acc.get
        term_postings = self._term_postings
        for tid, wa in entry.candidate_terms:
            for b, wb in term_postings[tid].items() if tid in term_postings else ():
                acc[b] = get(b, 0.0) + wa * wb
        if not self.exclude_tags and entry.candidate_tags:
            tag_acc: dict[int, float] = {}
            tag_get = tag_acc.get
            for key, wa in entry.candidate_tags:
                for b, wb in self._tag_postings.get(key, {}).items():
                    tag_acc[b] = tag_get(b, 0.0) + wa * wb
            for b, c in tag_acc.items():
                acc[b] = get(b, 0.0) + W_TAGS * c
        acc.pop(entry.doc.id, None)
        return acc

    def _pool(self, entry: _Entry) -> tuple[list[int], _Rank | None]:
        acc = self.candidate_scores(entry)
        if len(acc) <= POOL:
            return list(acc), None
        # Sorting the floats in C beats a heap fed from Python; ties at the cut go by id.
        cutoff = sorted(acc.values(), reverse=True)[POOL - 1]
        pool = [b for b, s in acc.items() if s >= cutoff]
        if len(pool) > POOL:
            above = [b for b in pool if acc[b] > cutoff]
            pool = above + sorted(b for b in pool if acc[b] == cutoff)[: POOL - len(above)]
        last = max(b for b in pool if acc[b] == cutoff)
        return pool, (cutoff, -last)

    def _neighbours(self, entry: _Entry, k: int) -> tuple[list[Neighbour], _Rank | None]:
        pool, floor = self._pool(entry)
        if not pool:
            return [], floor
        entries, cats = self._entries, entry.categories
        terms = entry.term_map()
        tags = None if self.exclude_tags else entry.tag_map()
        scored = [(_score(terms, tags, cats, entries[b]), b) for b in pool]
        top = heapq.nsmallest(k, (item for item in scored if item[0] > 0), key=_rank_order)
        runs = kanji_katakana_runs(entry.normalized) if top else ""
        return [self._neighbour(entry, terms, tags, b, s, runs) for s, b in top], floor

    def _neighbour(
        self,
        entry: _Entry,
        terms: dict[int, float],
        tags: dict[str, float] | None,
        b: int,
        s: float,
        runs: str,
    ) -> Neighbour:
        other = self._entries[b]
        shared_tags = []
        if tags is not None:
            tag_pairs = zip(other.tag_keys, other.tag_weights, strict=True)
            shared_tags = sorted((-tags[t] * w, t) for t, w in tag_pairs if t in tags)
        term_pairs = zip(other.term_ids, other.term_weights, strict=True)
        # A C sort of the few shared terms; the heaviest are all the reasons can show.
        shared = sorted([(-terms[t] * w, t) for t, w in term_pairs if t in terms])[
            : 2 * MAX_REASONS
        ]
        tokens = self.statistics.tokens
        reasons = pair_reasons(
            tags=[entry.tag_names[t] for _, t in shared_tags],
            tokens=[tokens[t] for _, t in shared],
            categories=sorted(entry.categories & other.categories),
            runs_a=runs,
            text_b=other.normalized,
            limit=MAX_REASONS,
        )
        return Neighbour(id=b, score=s, reasons=reasons)

    def neighbours_of(self, doc: RelatedDoc, *, k: int | None = None) -> list[Neighbour]:
        """``doc``'s list against the indexed papers (its own indexed version skipped), without
        changing the index: this also previews a paper that is not indexed yet."""
        return self._neighbours(self.entry_for(doc), self.k if k is None else k)[0]

    # -- lists and updates --------------------------------------------------------------------

    def _refresh(self, doc_id: int) -> list[Neighbour]:
        neighbours, floor = self._neighbours(self._entries[doc_id], self.k)
        self._lists[doc_id] = neighbours
        self._pool_floor[doc_id] = floor
        return neighbours

    def lists(self) -> dict[int, list[Neighbour]]:
        """Every indexed paper's list (computed once, then kept current by the updates)."""
        for doc_id in self.ids:
            if doc_id not in self._lists:
                self._refresh(doc_id)
        return {doc_id: self._lists[doc_id] for doc_id in self.ids}

    def _in_pool(self, holder: int, candidate: int, candidate_score: float) -> bool:
        floor = self._pool_floor[holder]
        return floor is None or (candidate_score, -candidate) >= floor

    def _pool_holders(self, doc_id: int) -> set[int]:
        """Papers whose current pool holds ``doc_id`` (by its indexed version)."""
        scores = self.candidate_scores(self._entries[doc_id])
        return {
            holder
            for holder, s in scores.items()
            if holder in self._pool_floor and self._in_pool(holder, doc_id, s)
        }

    def update(self, doc: RelatedDoc) -> dict[int, list[Neighbour]]:
        """Add a paper or replace its previous version; returns every list that was recomputed
        (the paper's own included). Lists not computed yet stay for :meth:`lists` to fill."""
        affected = set()
        if doc.id in self._entries:
            affected = self._pool_holders(doc.id)
            self._remove(doc.id)
        self._add(self.entry_for(doc))
        affected |= self._pool_holders(doc.id)
        affected.add(doc.id)
        return {doc_id: self._refresh(doc_id) for doc_id in sorted(affected)}

    def delete(self, doc_id: int) -> dict[int, list[Neighbour]]:
        """Remove a paper; returns the lists that were recomputed because it left their pools."""
        if doc_id not in self._entries:
            return {}
        affected = self._pool_holders(doc_id)
        self._remove(doc_id)
        affected.discard(doc_id)
        return {other: self._refresh(other) for other in sorted(affected)}


def _rank_order(item: tuple[float, int]) -> tuple[float, int]:
    return (-item[0], item[1])


def related_papers(
    docs: Iterable[RelatedDoc], *, k: int = 5, exclude_tags: bool = False
) -> dict[int, list[Neighbour]]:
    """For every paper, its ``k`` most related other papers (every id is a key, lists may be
    empty)."""
    return RelatedIndex.build(docs, k=k, exclude_tags=exclude_tags).lists()


def related_for_one(doc: RelatedDoc, index: RelatedIndex) -> list[Neighbour]:
    """``doc``'s list against ``index``, with the index's ``k`` and ``exclude_tags``."""
    return index.neighbours_of(doc)
