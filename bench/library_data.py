"""Synthetic paper-note collections in the three formats the members use, for benchmarks.

    uv run python bench/library_data.py                       # sizes of the default collection
    uv run python bench/library_data.py --out /tmp/library    # …and write the files there

`generate(papers, notes, seed)` returns {file name: text}: tagged paper notes
(`paper-notes-NNN.txt`), per-paper summaries (`paper-summaries-NNN.md`) and weekly digests
(`weekly-digest-NNN.txt`), each file under 2 MB (the upload limit), shaped like the samples in
../shared/samples: tags before each note, one-line and multi-line notes, comments with X posts,
Hugging Face links, `・1466` note numbers and quoted notes, fenced code with `#` comments,
digests whose list names more papers than get a detailed block. `notes` entries are drawn from
a pool of `papers` papers, popular ones more often, so one paper turns up in several files and
formats (sometimes twice in one file, sometimes with its title cased differently); about half
of the papers have an arXiv id. The same seed gives the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from itertools import accumulate
from pathlib import Path

MIB = 1024 * 1024
MAX_FILE_BYTES = 2 * MIB - 64 * 1024  # under the upload limit, with room to spare

METHODS = [
    "VerIF", "Thyme", "Optimas", "RankMixer", "BeyondWeb", "MetaCLIP", "OpenVision", "LiteASR",
    "ProtoFM", "CALM", "SPIN", "DocLLM", "SeeAct", "FR3E", "Motif", "Nemotron", "SoS", "LLaMA-Pro",
    "DeltaTune", "RAGate", "KVZip", "FlashMoE", "SparseLoRA", "GRPO-X", "StepJudge", "TokenSkip",
]  # fmt: skip
TOPICS = [
    "Reinforcement Learning", "Instruction Following", "Retrieval-Augmented Generation",
    "Mixture-of-Experts", "Long-Context Language Models", "Speculative Decoding",
    "Vision Encoders", "Multimodal Reasoning", "Synthetic Data", "Preference Tuning",
    "Automatic Speech Recognition", "Code Generation", "Dexterous Manipulation",
    "Reward Modeling", "KV Cache Compression", "Low-Rank Adaptation", "Factuality",
    "Test-Time Scaling", "Web Agents", "Document Understanding", "Recommender Systems",
]  # fmt: skip
PATTERNS = [
    "{m}: {t} at Scale", "{m}: Rethinking {t}", "Scaling Laws for {t}", "{m}: Efficient {t}",
    "On the Limits of {t}", "{t} Without Human Labels", "{m}: A Survey of {t}",
    "Are {t} Really Useful for {u}?", "{m}: Unifying {t} and {u}", "Learning {t} from {u}",
    "{t} with {u}: Lessons from {m}", "Towards Robust {t}",
]  # fmt: skip
FIRST = ["Hao", "Yi-Fan", "Junxuan", "Momoka", "Jinu", "Yuan", "Pranjal", "Shirley", "Xilun",
         "Ping", "Jie", "Chenchen", "Tianyu", "Scott", "Xianhang", "Rachit", "Zipeng", "Boyuan",
         "Naoto", "Yui", "Kenji", "Aya", "Chelsea", "Tri", "Edward", "Sewon"]  # fmt: skip
LAST = ["Peng", "Zhang", "Wang", "Furuhashi", "Lee", "Li", "Aggarwal", "Wu", "Chen", "Yu",
        "Zhu", "Gu", "Zheng", "Geng", "Bansal", "Fu", "Finn", "Dao", "Hu", "Min", "Sato",
        "Nakamura", "Ota", "Suzuki", "Kim", "Garcia"]  # fmt: skip
VENUES = ["arXiv'{y}"] * 6 + ["EMNLP'{y}", "EMNLP'{y} Findings", "ACL'{y}", "NeurIPS'{y}",
          "ICLR'{y}", "ICML'{y}", "NAACL'{y}", "COLING'{y}", "TMLR'{y}"]  # fmt: skip
TAGS = ["Pocket", "NLP", "LanguageModel", "ReinforcementLearning", "Dataset", "Evaluation",
        "Reasoning", "Pretraining", "PostTraining", "Supervised-FineTuning (SFT)", "Alignment",
        "ComputerVision", "MultiModal", "EfficiencyImprovement", "RLVR", "GRPO", "OpenWeight",
        "Architecture", "DataMixture", "SyntheticData", "InstructionTuning", "Admin'sPick",
        "Factuality", "RewardHacking", "On-Policy", "read-later", "CLIP", "Findings"]  # fmt: skip
CATEGORIES = ["Machine Learning", "Artificial Intelligence", "Computation and Language",
              "Computer Vision and Pattern Recognition", "Robotics", "Information Retrieval",
              "Sound", "Systems and Control"]  # fmt: skip
JA_SUBJECTS = ["大規模言語モデル", "検証可能な報酬", "合成データ", "視覚エンコーダー",
               "推論トレース", "ルールベースの検証", "低ランク近似", "チェックリスト評価",
               "疎なMoE", "KVキャッシュ", "プロンプトキャッシング",
               "ドメインランダマイゼーション", "デルタ学習"]  # fmt: skip
JA_PREDICATES = ["の課題を探求し、新しい手法を提案", "を用いて性能を大幅に向上",
                 "の効率を改善", "が一貫しないことを示した", "を組み合わせた枠組みを導入",
                 "で最先端の性能を達成", "の限界を指摘", "の重要性を示唆"]  # fmt: skip
JA_COMMENTS = ["元ポストの著者によるスレッドが非常にわかりやすい。", "興味深い。",
               "あとで追記する",
               "同程度のサイズのモデルとの比較ではかなりのgainを得ているように見える。",
               "Datasetの比率などについても記述されている。",
               "実装が公開されているので試したい。"]  # fmt: skip
SECTION_HEADINGS = [
    "既存研究では何ができなかったのか", "どのようなアプローチでそれを解決しようとしたか",
    "結果、何が達成できたのか", "Limitationや問題点は何か", "技術的な詳細について",
    "コストや物理的な詳細について", "参考文献のうち、特に参照すべきもの",
    "この論文を140字以内のツイートで要約すると？",
]  # fmt: skip
X_SHARE_REF = "Y6UuIHB0Lv0IpmFAjlc2-Q"
NEWEST_NOTE, OLDEST_NOTE = dt.date(2025, 8, 28), dt.date(2022, 1, 1)
FIRST_WEEK, WEEKS_PER_SERIES = dt.date(2023, 1, 2), 150


class _Paper:
    __slots__ = ("arxiv_id", "authors", "categories", "published", "tags", "title", "venue")

    def __init__(self, rng: random.Random, index: int, taken: set[str]) -> None:
        title = ""
        while not title or title in taken:
            pattern = rng.choice(PATTERNS)
            t, u = rng.sample(TOPICS, 2)
            title = pattern.format(m=rng.choice(METHODS), t=t, u=u)
            if title in taken:
                title = (
                    f"{title} {index}"  # a pool larger than the patterns still has unique titles
                )
        taken.add(title)
        self.title = title
        self.published = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(1000))
        yymm = self.published.strftime("%y%m")
        self.arxiv_id = f"{yymm}.{rng.randrange(1, 99999):05d}" if rng.random() < 0.5 else ""
        self.authors = [
            f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.choice([1, 2, 3, 5, 8]))
        ]
        self.venue = rng.choice(VENUES).format(y=self.published.strftime("%y"))
        self.tags = rng.sample(TAGS, rng.randint(1, 8))
        self.categories = rng.sample(CATEGORIES, rng.randint(1, 4))


def generate(papers: int = 20000, notes: int = 50000, seed: int = 1) -> dict[str, str]:
    """{file name: text} of `notes` entries about `papers` papers, deterministic in `seed`."""
    rng = random.Random(seed)
    taken: set[str] = set()
    pool = [_Paper(rng, index, taken) for index in range(papers)]
    # Popular papers are noted again and again (Zipf-like), most only once or never.
    weights = list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(papers)))
    kinds = rng.choices(["tagged", "digest", "summary"], weights=[6, 3, 1], k=notes)
    chosen = rng.choices(pool, cum_weights=weights, k=notes)
    by_kind: dict[str, list[_Paper]] = {"tagged": [], "digest": [], "summary": []}
    for kind, paper in zip(kinds, chosen, strict=True):
        by_kind[kind].append(paper)
    files: dict[str, str] = {}
    files.update(_split("paper-notes-{:03d}.txt", _tagged_notes(rng, by_kind["tagged"])))
    files.update(_split("paper-summaries-{:03d}.md", _summaries(rng, by_kind["summary"])))
    files.update(_split("weekly-digest-{:03d}.txt", _digests(rng, by_kind["digest"])))
    return files


def _split(name: str, chunks: list[str]) -> dict[str, str]:
    """Chunks (one note, one paper, one week) packed into files under MAX_FILE_BYTES."""
    files: dict[str, str] = {}
    current: list[str] = []
    size = 0
    for chunk in chunks:
        chunk_size = len(chunk.encode())
        if current and size + chunk_size > MAX_FILE_BYTES:
            files[name.format(len(files) + 1)] = "".join(current)
            current, size = [], 0
        current.append(chunk)
        size += chunk_size
    if current:
        files[name.format(len(files) + 1)] = "".join(current)
    return files


def _title_as_written(rng: random.Random, paper: _Paper) -> str:
    # Now and then a note spells the title differently; the importer matches them anyway.
    roll = rng.random()
    if roll < 0.03:
        return paper.title.lower()
    if roll < 0.05:
        return paper.title.replace(": ", " : ")
    return paper.title


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(JA_SUBJECTS)}{rng.choice(JA_PREDICATES)}。"


def _summary(rng: random.Random, paper: _Paper, sentences: int) -> str:
    method = paper.title.split(":")[0]
    return f"{method}は、" + "".join(_sentence(rng) for _ in range(sentences))


def _x_post(rng: random.Random) -> str:
    user = rng.choice(["gm8xx8", "jaseweston", "f14bertolotti", "iscienceluvr", "scaling01"])
    return f"https://x.com/{user}/status/{rng.randrange(10**18, 2 * 10**18)}?s=46&t={X_SHARE_REF}"


# --- tagged paper notes ----------------------------------------------------------------------


def _tagged_notes(rng: random.Random, chosen: list[_Paper]) -> list[str]:
    chunks = []
    day = NEWEST_NOTE
    previous_one_line = False
    for paper in chosen:
        if rng.random() < 0.3:
            # Notes run from the newest down; several members' collections cover the same years.
            day = day - dt.timedelta(days=1) if day > OLDEST_NOTE else NEWEST_NOTE
        comment = _tagged_comment(rng)
        head = f"[Paper Note] {_title_as_written(rng, paper)}, {paper.authors[0]}"
        head += ("+" if len(paper.authors) > 1 else "") + f", {paper.venue}"
        summary = _summary(rng, paper, rng.randint(2, 5))
        if rng.random() < 0.2:  # the one-line layout
            tags = " ".join(f"#{tag}" for tag in paper.tags)
            text = f"Issue Date: {day} {head} Summary{summary}"
            text += f" Comment{comment}" if comment else ""
            if previous_one_line and rng.random() < 0.5:
                chunks.append(f" {tags} {text}")  # mid-line, after the previous comment
            elif previous_one_line:
                chunks.append(f" {tags}\n{text}")  # the tags end the previous line
            elif rng.random() < 0.5:
                chunks.append(f"{tags} {text}")
            else:
                chunks.append("".join(f"#{tag}\n" for tag in paper.tags) + text)
            previous_one_line = "\n" not in comment
            if not previous_one_line:
                chunks.append("\n")
        else:
            if previous_one_line:
                chunks.append("\n")
            tags = "".join(f"#{tag}\n" for tag in paper.tags)
            text = f"{tags}Issue Date: {day}\n{head}\nSummary{summary}\n"
            text += f"Comment{comment}\n" if comment else ""
            chunks.append(text)
            previous_one_line = False
        if rng.random() < 0.01:  # copied twice
            chunks.append(("\n" if previous_one_line else "") + f"Issue Date: {day}\n{head}\n")
            previous_one_line = False
    if previous_one_line:
        chunks.append("\n")
    return _group_chunks(chunks, 40)


def _tagged_comment(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return ""
    parts = [f"元ポスト:{_x_post(rng)}"]
    if rng.random() < 0.2:
        parts.append(f"HF:https://huggingface.co/{rng.choice(METHODS)}/{rng.choice(METHODS)}-7B")
    parts.append(rng.choice(JA_COMMENTS))
    lines = ["".join(parts)]
    for _ in range(rng.choice([0, 0, 0, 1, 3])):
        lines.append(f"・{rng.randrange(100, 2600)}")
    if rng.random() < 0.05:
        lines.append(f"関連: [Paper Note] {rng.choice(METHODS)}: Prior Work, Ann Lee+, arXiv'24")
    return "\n".join(lines)


def _group_chunks(chunks: list[str], size: int) -> list[str]:
    # Files are split between groups of notes; a one-line note must not be cut from its line.
    groups, current = [], []
    for chunk in chunks:
        current.append(chunk)
        if len(current) >= size and chunk.endswith("\n"):
            groups.append("".join(current))
            current = []
    if current:
        groups.append("".join(current))
    return groups


# --- per-paper summaries ---------------------------------------------------------------------


def _summaries(rng: random.Random, chosen: list[_Paper]) -> list[str]:
    chunks = []
    for paper in chosen:
        lines = ["", f"# {_title_as_written(rng, paper)}", ""]
        if paper.arxiv_id:
            lines += [
                f"[View Paper](http://arxiv.org/abs/{paper.arxiv_id}v{rng.randint(1, 3)})",
                "",
            ]
        elif rng.random() < 0.5:
            lines += [f"[View Paper](https://openreview.net/forum?id={rng.randrange(10**9):x})", ""]
        for number, heading in enumerate(SECTION_HEADINGS, 1):
            lines += [f"## {number}. {heading}", ""]
            if number == 5 and rng.random() < 0.5:
                lines += [
                    "学習プロセスは以下のようになる：",
                    "",
                    "```python",
                    "# Pseudo-code for training",
                    f"model = load('{paper.title.split(':')[0]}')",
                    "for batch in loader:",
                    "    # Backpropagate and update the head",
                    "    loss = model(batch).loss",
                    "```",
                    "",
                ]
            for _ in range(rng.randint(1, 3)):
                lines.append(f"*   **{rng.choice(JA_SUBJECTS)}:** {_sentence(rng)}{_sentence(rng)}")
            lines.append("")
        lines += ["", "---", "", ""]
        chunks.append("\n".join(lines))
    return chunks


# --- weekly digests --------------------------------------------------------------------------


def _digests(rng: random.Random, chosen: list[_Paper]) -> list[str]:
    chunks = []
    start = FIRST_WEEK
    index = 0
    while index < len(chosen):
        if (start - FIRST_WEEK).days >= 7 * WEEKS_PER_SERIES:
            start = FIRST_WEEK  # another member's digests, over the same weeks
        week = chosen[index : index + rng.randint(5, 12)]
        index += len(week)
        end = start + dt.timedelta(days=6)
        lines = [
            f"最新論文ノート:【{start}~ {end}】",
            "",
            "ここでは、毎週メンションされている論文をLLMによって生成されるQ&Aを用いて要点を記載しています.",
            "",
            f"紹介する論文は以下の{len(week)}本となります.",
            "",
        ]
        for number, paper in enumerate(week, 1):
            lines += [
                f"  {number}. {paper.title}",
                f"    発行日:{paper.published:%Y年%m月%d日}",
                f"    {_summary(rng, paper, 2)}",
            ]
        lines.append("")
        for paper in week[: max(1, len(week) * 2 // 5)]:  # the sample details 4 of its 10
            lines += _digest_block(rng, paper)
        chunks.append("\n".join(lines) + "\n")
        start = end + dt.timedelta(days=1)
    return chunks


def _digest_block(rng: random.Random, paper: _Paper) -> list[str]:
    if paper.arxiv_id:
        url = rng.choice(
            [
                f"http://arxiv.org/pdf/{paper.arxiv_id}v1",
                f"https://arxiv.org/pdf/{paper.arxiv_id}.pdf",
            ]
        )
    else:
        url = "不明"
    updated = "不明" if rng.random() < 0.2 else f"{paper.published:%Y年%m月%d日}"
    lines = [
        paper.title,
        "",
        f"著者:{', '.join(paper.authors)}",
        f"発行日:{paper.published:%Y年%m月%d日}",
        f"最終更新日:{updated}",
        f"URL:{url}",
        "",
        f"カテゴリ:{', '.join(paper.categories)}",
        "",
        "概要:",
        "",
        "".join(_sentence(rng) for _ in range(rng.randint(4, 8))),
        "",
        "Q&A:",
        "",
    ]
    for _ in range(rng.randint(2, 6)):
        lines += [
            f"Q: {rng.choice(JA_SUBJECTS)}はどのように使われるのか?",
            f"A: {_sentence(rng)}",
            "",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=20000)
    parser.add_argument("--notes", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write the files into this folder")
    args = parser.parse_args()
    started = time.perf_counter()
    files = generate(papers=args.papers, notes=args.notes, seed=args.seed)
    elapsed = time.perf_counter() - started
    sizes = {name: len(text.encode()) for name, text in files.items()}
    for prefix in ("paper-notes", "paper-summaries", "weekly-digest"):
        mine = [size for name, size in sizes.items() if name.startswith(prefix)]
        largest = max(mine, default=0)
        print(
            f"{prefix:16s} {len(mine):3d} files  {sum(mine) / MIB:6.1f} MiB"
            f"  largest {largest / MIB:.2f} MiB"
        )
    print(f"generated in {elapsed:.1f} s")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (args.out / name).write_text(text, encoding="utf-8")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
