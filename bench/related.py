"""Related-papers benchmark: time of the full computation, and precision@5 against baselines.

    uv run python bench/related.py                     # 20,000 papers, 50,000 notes
    uv run python bench/related.py --docs 5000 --runs 1

It generates a library shaped like the group's paper notes (see bench/related_corpus.py), times
`related_papers(docs, k=5)` (the task the library runs: tags count) as the median of `--runs`,
then times single-paper updates on the built index. Precision@5 is measured with tags hidden
from the scorer (`exclude_tags=True`): a neighbour is relevant when it shares a tag with the
paper. It is printed twice: against every tag, and against topical tags only, because the
workflow tags (`#Pocket`, `#NLP`…) sit on most papers and make even random lists look good.

No database: the module is pure. The machine's speed is printed first (a plain dictionary loop),
so that figures from a busy machine can be read as such.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from related_corpus import AREAS, GENERIC_TAGS, generate

from apps.papers import related
from apps.papers.related_eval import precision_of_lists, random_lists, title_only_lists


def _calibrate() -> float:
    """Microseconds per dictionary add in a tight loop: the scorer's inner operation."""
    n = 2_000_000
    start = time.process_time()
    acc: dict[int, float] = {}
    get = acc.get
    for i in range(n):
        acc[i & 4095] = get(i & 4095, 0.0) + 1.5
    return (time.process_time() - start) / n * 1e6


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--notes", type=int, help="notes in all (default 2.5 per paper)")
    parser.add_argument("--runs", type=int, default=3, help="full computations timed (median)")
    parser.add_argument("--updates", type=int, default=20, help="single-paper updates timed")
    parser.add_argument("--seed", type=int, default=20250828)
    args = parser.parse_args()

    print(f"machine  {_calibrate():.3f} µs per dict add (lower is faster)")
    notes = args.notes if args.notes is not None else args.docs * 5 // 2
    docs, seconds = _timed(lambda: generate(args.docs, notes=notes, seed=args.seed))
    chars = sum(len(d.title) + len(d.text) for d in docs)
    tagged = sum(1 for d in docs if d.tags)
    print(
        f"corpus   {len(docs):,} papers, {notes:,} notes, {chars / len(docs):,.0f} chars/paper, "
        f"{tagged:,} tagged; generated in {seconds:.1f} s (seed {args.seed})"
    )
    print(
        f"settings MAX_TERMS={related.MAX_TERMS} MAX_POSTINGS={related.MAX_POSTINGS} "
        f"POOL={related.POOL} TITLE_WEIGHT={related.TITLE_WEIGHT} W_TAGS={related.W_TAGS} "
        f"W_CATEGORIES={related.W_CATEGORIES}"
    )

    times = []
    for _ in range(args.runs):
        _, seconds = _timed(lambda: related.related_papers(docs, k=5))
        times.append(seconds)
    print(
        f"full     related_papers(k=5): median {statistics.median(times):.1f} s "
        f"of {args.runs} ({', '.join(f'{t:.1f}' for t in times)})"
    )

    index, build = _timed(lambda: related.RelatedIndex.build(docs, k=5))
    _, lists = _timed(index.lists)
    rng = random.Random(args.seed)
    update_times, recomputed = [], []
    for _ in range(args.updates):
        doc = docs[rng.randrange(len(docs))]
        donor = docs[rng.randrange(len(docs))]
        changed = dataclasses.replace(doc, text=f"{doc.text}\n{donor.text[:300]}")
        result, seconds = _timed(lambda changed=changed: index.update(changed))
        update_times.append(seconds)
        recomputed.append(len(result))
    print(
        f"update   one paper changed: median {statistics.median(update_times) * 1000:.0f} ms, "
        f"{statistics.median(recomputed):.0f} lists recomputed (median of {args.updates}); "
        f"build {build:.1f} s + lists {lists:.1f} s"
    )

    topical = {t for area in AREAS for t in area.tags} - set(GENERIC_TAGS)
    scorer, seconds = _timed(lambda: related.related_papers(docs, k=5, exclude_tags=True))
    title = title_only_lists(docs, k=5)
    rand = random_lists(docs, k=5, seed=args.seed)
    print(f"quality  precision@5, tags hidden from the scorer ({seconds:.1f} s)")
    print(f"{'':9}{'scorer':>8}{'title-only':>12}{'random':>8}")
    for label, heldout in (("all tags", None), ("topical", topical)):
        row = [
            precision_of_lists(docs, found, k=5, heldout=heldout) for found in (scorer, title, rand)
        ]
        print(f"{label:9}{row[0]:8.3f}{row[1]:12.3f}{row[2]:8.3f}")


if __name__ == "__main__":
    main()
