from __future__ import annotations

import dataclasses
import random

import pytest

from apps.papers import related
from apps.papers.related import (
    Neighbour,
    RelatedDoc,
    RelatedIndex,
    related_for_one,
    related_papers,
)
from apps.papers.related_eval import (
    precision_at_k,
    precision_of_lists,
    random_baseline,
    title_only_baseline,
)
from apps.papers.related_reasons import display_word, kanji_katakana_runs


def doc(id: int, title: str, text: str = "", tags=(), categories=()) -> RelatedDoc:
    return RelatedDoc(id, title, text, frozenset(tags), frozenset(categories))


RLHF_1 = doc(
    1,
    "Training language models to follow instructions with human feedback",
    "人間のフィードバックによる強化学習 (RLHF) で reward model を学習し、PPO で方策を最適化する。"
    " Human preference data is collected by labelers.",
    tags={"#RLHF", "#Alignment"},
    categories={"cs.CL"},
)
RLHF_2 = doc(
    2,
    "Direct Preference Optimization: your language model is secretly a reward model",
    "reward model を明示的に学習せず、human preference data から直接方策を学習する。RLHF の代替。",
    tags={"#RLHF", "#DPO"},
    categories={"cs.CL", "cs.LG"},
)
RLHF_3 = doc(
    3,
    "Constitutional AI: harmlessness from AI feedback",
    "human feedback の代わりに AI feedback を使う RLHF。"
    "reward model と preference data は AI が作る。",
    tags={"#RLHF", "#Alignment", "#Safety"},
    categories={"cs.CL"},
)
DIFFUSION_1 = doc(
    4,
    "Denoising diffusion probabilistic models",
    "拡散モデルでノイズ除去を繰り返して画像生成する。 diffusion sampling is slow.",
    tags={"#DiffusionModel"},
    categories={"cs.CV", "cs.LG"},
)
DIFFUSION_2 = doc(
    5,
    "High-resolution image synthesis with latent diffusion models",
    "潜在空間で拡散モデルを学習し、画像生成を高速化。 latent diffusion for text-to-image.",
    tags={"#DiffusionModel", "#TextToImage"},
    categories={"cs.CV"},
)
PPO = doc(
    6,
    "Proximal Policy Optimization Algorithms",
    "A clipped surrogate objective keeps each policy update close to the previous policy.",
    tags={"#ReinforcementLearning", "#PPO"},
    categories={"cs.LG"},
)
JA_RL = doc(
    7,
    "方策勾配法の安定化について",
    "信頼領域を使わずに更新幅を抑える手法の解説。ロボット制御での実験。",
    tags={"#ReinforcementLearning"},
    categories={"cs.RO"},
)
CORPUS = [RLHF_1, RLHF_2, RLHF_3, DIFFUSION_1, DIFFUSION_2, PPO, JA_RL]


def ids(neighbours: list[Neighbour]) -> list[int]:
    return [n.id for n in neighbours]


def test_obvious_neighbours_in_a_mixed_japanese_and_english_corpus():
    lists = related_papers(CORPUS, k=5)

    assert set(ids(lists[1])[:2]) == {2, 3}
    assert set(ids(lists[2])[:2]) == {1, 3}
    assert set(ids(lists[3])[:2]) == {1, 2}
    assert ids(lists[4])[0] == 5
    assert ids(lists[5])[0] == 4
    # Nothing in common but the tag: the Japanese note finds the English paper through it.
    assert ids(lists[7])[0] == 6
    assert "#ReinforcementLearning" in lists[7][0].reasons


def test_reasons_name_shared_tags_and_whole_japanese_words():
    lists = related_papers(CORPUS, k=5)
    first = lists[4][0]

    assert first.id == 5
    assert first.reasons[0] == "#DiffusionModel"
    assert "拡散モデル" in first.reasons  # widened from its bigrams, not `散モ`
    assert "diffusion" in first.reasons
    assert not any(r in {"散モ", "モデ"} for r in first.reasons)


def test_no_paper_is_its_own_neighbour_and_scores_are_positive():
    for doc_id, neighbours in related_papers(CORPUS, k=10).items():
        assert doc_id not in ids(neighbours)
        assert all(n.score > 0 for n in neighbours)


def test_k_is_honoured():
    for k in (1, 2, 3):
        lists = related_papers(CORPUS, k=k)
        assert all(len(neighbours) <= k for neighbours in lists.values())
        assert len(lists[1]) == k  # the RLHF papers have at least three related papers
    assert related_papers(CORPUS, k=0) == {d.id: [] for d in CORPUS}


def test_order_is_score_then_id_and_the_same_whatever_the_input_order():
    twins = [doc(i, "Mixture of experts routing", "専門家混合のルーティング") for i in (30, 10, 20)]
    lists = related_papers([*CORPUS, *twins])
    # Three identical papers score the same against each other: the smaller id comes first.
    assert ids(lists[20]) == [10, 30]
    assert lists[20][0].score == lists[20][1].score

    shuffled = CORPUS[:]
    random.Random(4).shuffle(shuffled)
    assert related_papers(shuffled) == related_papers(CORPUS)
    for neighbours in related_papers(CORPUS).values():
        keys = [(-n.score, n.id) for n in neighbours]
        assert keys == sorted(keys)


def test_empty_input():
    assert related_papers([]) == {}
    assert RelatedIndex.build([]).lists() == {}
    assert precision_at_k([]) == 0.0
    assert random_baseline([]) == 0.0
    assert title_only_baseline([]) == 0.0


def test_a_paper_without_tokens_has_no_neighbours_and_is_nobodys():
    empty = doc(99, "!!", "🎉 ＊ 2025")
    lists = related_papers([*CORPUS, empty])

    assert lists[99] == []
    assert all(99 not in ids(neighbours) for neighbours in lists.values())


def test_a_paper_without_tokens_is_still_found_by_its_tags():
    empty = doc(99, "…", "", tags={"#DiffusionModel"})
    lists = related_papers([*CORPUS, empty])

    assert set(ids(lists[99])) == {4, 5}
    assert lists[99][0].reasons == ("#DiffusionModel",)


def test_exclude_tags_scores_as_if_there_were_no_tags():
    untagged = [dataclasses.replace(d, tags=frozenset()) for d in CORPUS]
    hidden = related_papers(CORPUS, exclude_tags=True)

    assert hidden == related_papers(untagged)
    assert 6 not in ids(hidden[7])  # only the tag related them
    assert not any(r.startswith("#") for ns in hidden.values() for n in ns for r in n.reasons)


def test_tags_compare_without_hash_and_case():
    a = doc(1, "alpha", "", tags={"#RLVR"})
    b = doc(2, "beta", "", tags={"rlvr"})
    lists = related_papers([a, b])

    assert ids(lists[1]) == [2]
    assert lists[1][0].reasons == ("#RLVR",)  # each paper's own spelling
    assert lists[2][0].reasons == ("#rlvr",)


def test_a_shared_category_alone_makes_no_neighbour():
    a = doc(1, "Speculative decoding", "", categories={"cs.CL"})
    b = doc(2, "Gaussian splatting", "", categories={"cs.CL"})
    assert related_papers([a, b]) == {1: [], 2: []}


def test_a_shared_category_breaks_a_tie_between_equal_texts():
    base = doc(1, "Sparse autoencoders", "活性化の辞書学習", categories={"cs.LG"})
    other_field = doc(2, "Sparse autoencoders", "活性化の辞書学習", categories={"cs.CV"})
    same_field = doc(3, "Sparse autoencoders", "活性化の辞書学習", categories={"cs.LG"})
    neighbours = related_papers([base, other_field, same_field])[1]

    assert ids(neighbours) == [3, 2]
    assert neighbours[0].score - neighbours[1].score == pytest.approx(related.W_CATEGORIES)
    assert neighbours[0].reasons[-1] == "cs.LG"


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="share an id"):
        related_papers([RLHF_1, dataclasses.replace(RLHF_2, id=1)])


# -- the reusable index and the one-paper update path ---------------------------------------


def generated_corpus(n: int, seed: int = 7) -> list[RelatedDoc]:
    """Papers on a handful of topics: topic words and tags, plus filler every note shares."""
    topics = [
        (
            "強化学習 報酬モデル 方策最適化 選好データ",
            "reward policy preference",
            "#RLHF #Alignment",
        ),
        ("拡散モデル ノイズ除去 画像生成 潜在空間", "diffusion denoising image", "#DiffusionModel"),
        (
            "検索拡張生成 文書検索 再ランキング 外部知識",
            "retrieval rag reranking",
            "#RAG #Retrieval",
        ),
        ("量子化 推論速度 メモリ削減 低ビット", "quantization kernel int4", "#Quantization"),
        ("音声認識 音声合成 話者 音響モデル", "speech asr audio", "#Speech #ASR"),
        ("グラフ構造 ノード分類 メッセージパッシング", "graph gnn node", "#GNN"),
    ]
    filler = ["本研究では", "提案手法", "実験の結果", "既存手法", "性能", "向上", "公開されている"]
    rng = random.Random(seed)
    docs = []
    for i in range(1, n + 1):
        ja, en, tags = topics[rng.randrange(len(topics))]
        stranger = topics[rng.randrange(len(topics))]
        words = ja.split() * 2 + en.split() + stranger[0].split()[:1] + filler
        text = "。".join(rng.sample(words, 8))
        title = " ".join(rng.sample(en.split(), 2)) + f" {rng.randrange(10**6)}"
        docs.append(doc(i, title, text, tags=set(tags.split()), categories={"cs.LG"}))
    return docs


def test_related_for_one_matches_the_full_computation():
    docs = generated_corpus(120)
    index = RelatedIndex.build(docs, k=5)
    lists = related_papers(docs, k=5)

    for d in docs[:20]:
        assert related_for_one(d, index) == lists[d.id]
    assert index.lists() == lists


def test_related_for_one_previews_a_paper_not_indexed_yet():
    docs = generated_corpus(60)
    index = RelatedIndex.build(docs[:-1])
    newcomer = docs[-1]

    preview = related_for_one(newcomer, index)
    assert preview
    assert newcomer.id not in index  # previewing changes nothing
    assert all(n.id != newcomer.id for n in preview)


@pytest.mark.parametrize("exclude_tags", [False, True])
def test_updates_give_the_same_lists_as_a_full_recompute(monkeypatch, exclude_tags):
    # Tiny pools and postings, so that the update has to get the pruned paths right too.
    monkeypatch.setattr(related, "POOL", 6)
    monkeypatch.setattr(related, "MAX_POSTINGS", 8)
    docs = {d.id: d for d in generated_corpus(150)}
    index = RelatedIndex.build(docs.values(), k=4, exclude_tags=exclude_tags)
    lists = index.lists()
    rng = random.Random(11)

    for step in range(25):
        if step % 5 == 4:
            gone = rng.choice(sorted(docs))
            del docs[gone]
            changed = index.delete(gone)
        else:
            target, donor = (docs[rng.choice(sorted(docs))] for _ in range(2))
            if step % 5 == 3:
                target = dataclasses.replace(donor, id=max(docs) + 1)  # a new paper
            new = dataclasses.replace(
                target, text=f"{target.text}。{donor.text}", tags=target.tags | donor.tags
            )
            docs[new.id] = new
            changed = index.update(new)
            assert new.id in changed
        lists = {i: ns for i, ns in {**lists, **changed}.items() if i in docs}

        expected = RelatedIndex.build(
            docs.values(), statistics=index.statistics, k=4, exclude_tags=exclude_tags
        ).lists()
        assert lists == expected  # only the returned lists changed
        assert index.lists() == expected


def test_an_update_recomputes_few_lists(monkeypatch):
    monkeypatch.setattr(related, "POOL", 10)
    docs = generated_corpus(200)
    index = RelatedIndex.build(docs)
    index.lists()

    target = docs[50]
    changed = index.update(dataclasses.replace(target, text=target.text + "。追記"))
    assert target.id in changed
    assert len(changed) < len(docs) / 4


def test_a_deleted_paper_leaves_every_list():
    docs = generated_corpus(80)
    index = RelatedIndex.build(docs)
    before = index.lists()
    gone = next(i for i, ns in before.items() if ns)
    holders = [i for i, ns in before.items() if gone in ids(ns)]

    changed = index.delete(gone)
    after = index.lists()
    assert gone not in after
    assert all(gone not in ids(ns) for ns in after.values())
    assert set(holders) <= set(changed)
    assert index.delete(gone) == {}


# -- evaluation -----------------------------------------------------------------------------


def test_precision_of_hand_made_lists():
    docs = [
        doc(1, "a", tags={"#x"}),
        doc(2, "b", tags={"#x", "#y"}),
        doc(3, "c", tags={"#z"}),
        doc(4, "d"),  # untagged: not judged
    ]
    lists = {1: [2, 3], 2: [1], 3: [1, 2]}

    # Paper 1: one of two relevant, over k=2; paper 2: 1/2; paper 3: 0/2.
    assert precision_of_lists(docs, lists, k=2) == pytest.approx((0.5 + 0.5 + 0.0) / 3)
    # Judged by #y only, paper 2 alone counts and its neighbour 1 lacks #y.
    assert precision_of_lists(docs, lists, k=2, heldout={"y"}) == 0.0


def test_the_scorer_beats_the_random_baseline_on_a_generated_corpus():
    docs = generated_corpus(300)
    scorer = precision_at_k(docs, k=5)
    chance = random_baseline(docs, k=5, seed=1)
    titles = title_only_baseline(docs, k=5)

    assert scorer > chance + 0.3
    assert 0.0 <= titles <= 1.0
    assert random_baseline(docs, k=5, seed=1) == chance  # seeded


def test_display_words():
    runs = kanji_katakana_runs("強化学習による方策最適化と直接学習")

    assert display_word("化学", runs, "深層強化学習を使う") == "強化学習"
    # The first run with `学習` is not in the other text; the next one is.
    assert display_word("学習", kanji_katakana_runs("直接学習と強化学習"), "強化学習") == "強化学習"
    assert display_word("によ", runs, "による") is None  # grammar, not a reason
    assert display_word("reward", runs, "reward") == "reward"
