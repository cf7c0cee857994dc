"""A synthetic library shaped like the group's paper notes, for bench/related.py.

Each paper has a research area (and sometimes a second one). The area gives the title's words,
most of the summary's terms, most tags and the likely arXiv categories; the rest is filler that
every note shares (`実験の結果…`, `元ポスト`, remarks like `[fr] めちゃ速い`) and words borrowed from
unrelated areas, so text predicts tags only roughly, as in real notes. Tags follow a Zipf law
over a fixed ranking of ~200 tags, with workflow tags (`#Pocket`, `#read-later`) that say nothing
about the topic. Summaries are Japanese with English terms mixed in, like the samples in
../shared/samples/paper-notes-sample.txt.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from apps.papers.related import RelatedDoc


@dataclass(frozen=True)
class Area:
    en: tuple[str, ...]  # title words
    ja: tuple[str, ...]  # summary terms
    tags: tuple[str, ...]
    categories: tuple[str, ...]  # the first is the usual primary


def _area(en: str, ja: str, tags: str, categories: str) -> Area:
    return Area(
        tuple(en.split(",")), tuple(ja.split()), tuple(tags.split()), tuple(categories.split())
    )


AREAS = [
    _area(
        "Reinforcement Learning,Human Feedback,Reward Model,Preference,Alignment,PPO,Policy Optimization,RLHF",
        "強化学習 人間のフィードバック 報酬モデル 選好データ アライメント 方策最適化 KL正則化 報酬ハッキング",
        "#RLHF #Alignment #RewardModel #PPO #DPO #RewardHacking #Preference",
        "cs.CL cs.LG cs.AI",
    ),
    _area(
        "Verifiable Rewards,Reasoning,GRPO,Chain-of-Thought,Test-Time Scaling,Long CoT,Math Reasoning",
        "検証可能な報酬 推論能力 思考連鎖 テスト時スケーリング 数学問題 長い推論 自己検証 報酬設計",
        "#RLVR #GRPO #Reasoning #Chain-of-Thought #TestTimeScaling #Overthinking #Underthinking #On-Policy",
        "cs.CL cs.LG cs.AI",
    ),
    _area(
        "Diffusion,Denoising,Score Matching,Image Generation,Latent Diffusion,Flow Matching,Sampling",
        "拡散モデル ノイズ除去 スコアマッチング 画像生成 潜在拡散 フローマッチング サンプリング 条件付き生成",
        "#DiffusionModel #ImageGeneration #FlowMatching #TextToImage #ScoreMatching",
        "cs.CV cs.LG stat.ML",
    ),
    _area(
        "Retrieval-Augmented Generation,RAG,Retriever,Knowledge,Document Retrieval,Grounding",
        "検索拡張生成 検索器 外部知識 文書検索 根拠付け 再ランキング チャンク分割 知識ベース",
        "#RAG #RetrievalAugmentedGeneration #Retrieval #Reranking #KnowledgeGraph",
        "cs.CL cs.IR",
    ),
    _area(
        "Agents,Tool Use,Planning,Web Agent,Multi-Agent,Function Calling,Autonomous",
        "エージェント ツール利用 計画立案 ウェブ操作 マルチエージェント 関数呼び出し 自律的 環境との相互作用",
        "#AIAgents #ToolUse #Planning #WebAgent #MultiAgent #FunctionCalling",
        "cs.AI cs.CL cs.LG",
    ),
    _area(
        "Quantization,Efficient Inference,Pruning,Low-Bit,KV Cache,Speculative Decoding,Serving",
        "量子化 効率的な推論 枝刈り 低ビット KVキャッシュ 投機的デコーディング 推論速度 メモリ削減",
        "#Quantization #EfficiencyImprovement #Pruning #KVCache #SpeculativeDecoding #Inference",
        "cs.LG cs.CL cs.AR",
    ),
    _area(
        "Mixture of Experts,MoE,Sparse Models,Routing,Architecture,Transformer,State Space Models",
        "専門家混合 スパースモデル ルーティング アーキテクチャ トランスフォーマー 状態空間モデル 注意機構 線形注意",
        "#MoE #Architecture #Transformer #SSM #Mamba #Attention",
        "cs.LG cs.CL",
    ),
    _area(
        "Long Context,Context Window,Position Embedding,RoPE,Memory,Length Generalization",
        "長文脈 コンテキスト長 位置埋め込み 回転位置埋め込み 記憶機構 長さ汎化 文脈圧縮 長文理解",
        "#LongContext #PositionalEncoding #RoPE #Memory #LengthGeneralization",
        "cs.CL cs.LG",
    ),
    _area(
        "Vision-Language Models,Multimodal,Visual Question Answering,Image Captioning,CLIP,VLM",
        "視覚言語モデル マルチモーダル 画像質問応答 画像キャプション 視覚エンコーダ 画像と言語 視覚的推論 対照学習",
        "#MultiModal #VisionLanguageModel #CLIP #VQA #ImageCaptioning",
        "cs.CV cs.CL cs.AI",
    ),
    _area(
        "Speech Recognition,Text-to-Speech,Audio,Spoken Language,ASR,Voice",
        "音声認識 音声合成 音響モデル 話し言葉 音声対話 話者認識 音声トークン 自動音声認識",
        "#SpeechProcessing #ASR #TTS #Audio #SpokenLanguage",
        "cs.SD eess.AS cs.CL",
    ),
    _area(
        "Code Generation,Program Synthesis,Software Engineering,Code LLM,Repository,Bug Fixing",
        "コード生成 プログラム合成 ソフトウェア工学 コードモデル リポジトリ バグ修正 単体テスト 競技プログラミング",
        "#Coding #CodeGeneration #SoftwareEngineering #SWE-bench #ProgramSynthesis",
        "cs.SE cs.CL cs.LG",
    ),
    _area(
        "Benchmark,Evaluation,LLM-as-a-Judge,Leaderboard,Contamination,Metrics",
        "ベンチマーク 評価手法 評価者モデル リーダーボード データ汚染 評価指標 人手評価 自動評価",
        "#Evaluation #Benchmark #LLM-as-a-Judge #Contamination #Metrics",
        "cs.CL cs.AI",
    ),
    _area(
        "Interpretability,Sparse Autoencoders,Mechanistic,Circuits,Features,Probing",
        "解釈可能性 スパースオートエンコーダ 機構的解釈 回路 特徴量 プロービング 内部表現 活性化",
        "#Interpretability #SparseAutoEncoder #Mechanistic #Probing #Explanation",
        "cs.LG cs.CL cs.AI",
    ),
    _area(
        "Safety,Jailbreak,Red Teaming,Adversarial Attacks,Guardrails,Refusal",
        "安全性 脱獄攻撃 レッドチーミング 敵対的攻撃 ガードレール 拒否応答 有害出力 防御手法",
        "#Safety #Jailbreak #RedTeaming #AdversarialAttack #Guardrails",
        "cs.CR cs.CL cs.AI",
    ),
    _area(
        "Pretraining Data,Data Curation,Data Mixture,Synthetic Data,Deduplication,Corpus",
        "事前学習データ データ選別 データ混合 合成データ 重複除去 コーパス構築 品質フィルタ ウェブテキスト",
        "#Pretraining #DataMixture #SyntheticData #DataCuration #Dataset",
        "cs.CL cs.LG",
    ),
    _area(
        "Japanese LLM,Multilingual,Cross-lingual Transfer,Low-Resource Languages,Translation",
        "日本語モデル 多言語 言語間転移 低資源言語 機械翻訳 日本語評価 語彙拡張 継続事前学習",
        "#Japanese #MultiLingual #CrossLingual #MachineTranslation #LowResource",
        "cs.CL",
    ),
    _area(
        "Text Embeddings,Dense Retrieval,Contrastive Learning,Sentence Representations,Vector Search",
        "テキスト埋め込み 密ベクトル検索 対照学習 文表現 ベクトル検索 近似最近傍 埋め込みモデル 意味検索",
        "#Embeddings #DenseRetrieval #ContrastiveLearning #SentenceEmbedding #RepresentationLearning",
        "cs.CL cs.IR cs.LG",
    ),
    _area(
        "Tokenization,Tokenizer,Byte-Level,Vocabulary,Subword",
        "トークナイザ トークン化 バイト単位 語彙サイズ サブワード 文字単位 分割単位 圧縮率",
        "#Tokenizer #Tokenization #Byte-level #Vocabulary",
        "cs.CL",
    ),
    _area(
        "Knowledge Distillation,Small Language Models,Compression,Teacher-Student",
        "知識蒸留 小型言語モデル モデル圧縮 教師モデル 生徒モデル 蒸留データ 軽量化 性能維持",
        "#Distillation #SmallModel #ModelCompression #SLM",
        "cs.CL cs.LG",
    ),
    _area(
        "Continual Learning,Catastrophic Forgetting,Model Merging,Fine-Tuning,LoRA,Adapters",
        "継続学習 破滅的忘却 モデルマージ ファインチューニング 低ランク適応 アダプタ パラメータ効率 追加学習",
        "#ContinualLearning #ModelMerge #LoRA #PEFT #Supervised-FineTuning #CatastrophicForgetting",
        "cs.LG cs.CL",
    ),
    _area(
        "Graph Neural Networks,Message Passing,Node Classification,Molecular Graphs,Link Prediction",
        "グラフニューラルネットワーク メッセージパッシング ノード分類 分子グラフ リンク予測 グラフ構造 過平滑化 グラフ表現",
        "#GraphNeuralNetwork #GNN #MolecularGraph #LinkPrediction",
        "cs.LG stat.ML",
    ),
    _area(
        "Robot Learning,Manipulation,Embodied AI,Vision-Language-Action,Imitation Learning,Sim-to-Real",
        "ロボット学習 物体操作 身体性 視覚言語行動モデル 模倣学習 シミュレーション 実機転移 行動計画",
        "#Robotics #EmbodiedAI #VLA #ImitationLearning #Sim2Real",
        "cs.RO cs.LG cs.AI",
    ),
    _area(
        "3D Reconstruction,Gaussian Splatting,NeRF,Novel View Synthesis,Neural Rendering",
        "三次元再構成 ガウシアンスプラッティング ニューラル放射場 新規視点合成 ニューラルレンダリング 点群 深度推定 形状復元",
        "#3D #GaussianSplatting #NeRF #NovelViewSynthesis #NeuralRendering",
        "cs.CV cs.GR",
    ),
    _area(
        "Video Generation,Video Understanding,Temporal Modeling,World Models,Video Diffusion",
        "動画生成 動画理解 時系列モデリング 世界モデル 動画拡散 フレーム補間 長尺動画 時間的一貫性",
        "#VideoGeneration #WorldModels #VideoUnderstanding #Temporal",
        "cs.CV cs.LG",
    ),
    _area(
        "Object Detection,Segmentation,Open-Vocabulary,Visual Recognition,Foundation Models",
        "物体検出 セグメンテーション 開放語彙 画像認識 基盤モデル 領域分割 検出器 アノテーション",
        "#ObjectDetection #Segmentation #OpenVocabulary #ComputerVision #SAM",
        "cs.CV",
    ),
    _area(
        "Self-Supervised Learning,Masked Image Modeling,Vision Transformer,Representation,DINO",
        "自己教師あり学習 マスク画像モデリング 視覚トランスフォーマー 表現学習 特徴抽出 事前学習済み 線形評価 データ拡張",
        "#Self-SupervisedLearning #ViT #MaskedImageModeling #DINO",
        "cs.CV cs.LG",
    ),
    _area(
        "Time Series,Forecasting,Anomaly Detection,Temporal Data,Foundation Model for Time Series",
        "時系列データ 予測モデル 異常検知 時間依存 季節性 需要予測 多変量 時系列基盤モデル",
        "#TimeSeries #Forecasting #AnomalyDetection",
        "cs.LG stat.ML",
    ),
    _area(
        "Recommender Systems,Recommendation,Collaborative Filtering,User Modeling,CTR Prediction",
        "推薦システム 推薦モデル 協調フィルタリング ユーザモデリング クリック率予測 行動履歴 パーソナライズ 候補生成",
        "#RecommenderSystems #CollaborativeFiltering #CTR #UserModeling",
        "cs.IR cs.LG",
    ),
    _area(
        "Federated Learning,Differential Privacy,Privacy,Unlearning,Membership Inference",
        "連合学習 差分プライバシー プライバシー保護 機械的忘却 メンバーシップ推論 個人情報 秘匿計算 データ保護",
        "#FederatedLearning #DifferentialPrivacy #Privacy #MachineUnlearning",
        "cs.LG cs.CR",
    ),
    _area(
        "Optimization,Training Stability,Learning Rate,Optimizer,Adam,Muon,Loss Spikes",
        "最適化手法 学習安定性 学習率 オプティマイザ 損失スパイク 勾配ノルム 重み減衰 大規模学習",
        "#Optimizer #TrainingStability #LearningRate #Muon #Adam",
        "cs.LG math.OC",
    ),
    _area(
        "Scaling Laws,Compute-Optimal,Emergent Abilities,Model Size,Training Compute",
        "スケーリング則 計算最適 創発的能力 モデルサイズ 計算量 データ量 べき乗則 外挿",
        "#ScalingLaws #Emergent #ComputeOptimal",
        "cs.LG cs.CL",
    ),
    _area(
        "Hallucination,Factuality,Calibration,Uncertainty,Self-Consistency,Knowledge Conflicts",
        "幻覚 事実性 較正 不確実性 自己一貫性 知識衝突 誤情報 信頼度推定",
        "#Hallucination #Factuality #Calibration #Uncertainty",
        "cs.CL cs.AI",
    ),
    _area(
        "Instruction Tuning,Chat Models,Instruction Following,Dialogue,Open Weight",
        "指示チューニング 対話モデル 指示追従 対話システム 応答品質 オープンモデル 多段対話 ペルソナ",
        "#InstructionTuning #InstructionFollowing #Dialogue #OpenWeight #Chat",
        "cs.CL",
    ),
    _area(
        "Document Understanding,OCR,Table Understanding,Charts,Layout Analysis",
        "文書理解 文字認識 表理解 グラフ読解 レイアウト解析 帳票 スキャン文書 図表",
        "#DocumentUnderstanding #OCR #TableUnderstanding #Chart",
        "cs.CV cs.CL",
    ),
    _area(
        "Causal Inference,Causal Discovery,Counterfactual,Treatment Effect,Fairness",
        "因果推論 因果探索 反実仮想 処置効果 公平性 交絡因子 バイアス除去 介入",
        "#CausalInference #Counterfactual #Fairness #Bias",
        "stat.ML cs.LG cs.AI",
    ),
    _area(
        "Medical AI,Clinical,Radiology,Healthcare,Biomedical Language Models",
        "医療AI 臨床応用 放射線画像 ヘルスケア 生物医学 電子カルテ 診断支援 医療文書",
        "#Medical #Healthcare #Biomedical #Clinical",
        "cs.CL cs.CV q-bio.QM",
    ),
    _area(
        "Protein,Molecule Generation,Drug Discovery,Materials,AI for Science",
        "タンパク質 分子生成 創薬 材料探索 科学のためのAI 構造予測 化合物 物性予測",
        "#AI4Science #Protein #DrugDiscovery #Chemistry",
        "q-bio.BM cs.LG physics.chem-ph",
    ),
]

# Tags that say how a note was filed, not what the paper is about, and broad ones most notes carry.
GENERIC_TAGS = (
    *("#Pocket", "#NLP", "#LanguageModel", "#read-later", "#Admin'sPick", "#Survey", "#Analysis"),
    *("#Dataset", "#MachineLearning", "#Library", "#Blog", "#Tutorial", "#Slide", "#Proprietary"),
    *("#OpenSource", "#Selected Papers/Blogs", "#Findings", "#NeurIPS", "#ICLR", "#ICML", "#ACL"),
    *("#EMNLP", "#NAACL", "#CVPR", "#ICCV", "#ECCV", "#AAAI", "#COLING", "#TACL", "#JSAI"),
    "#NLP2025",
)

JA_FILLER = (
    "本研究では {a}における{b}の課題に取り組む。",
    "{a}と{b}を組み合わせた新しい手法{m}を提案。",
    "既存手法は{a}が不十分であり、{b}に限界があった。",
    "実験の結果、{m}は既存手法を大幅に上回る性能を達成した。",
    "{a}のベンチマークで最先端の性能を示し、{b}でも汎化することを確認。",
    "コードとデータセットは公開されている。",
    "約{n}件のデータを用いて{a}を評価した。",
    "{m}は{a}の計算コストを{n}%削減しつつ、{b}を維持する。",
    "提案手法は{a}を必要とせず、{b}だけで学習できる点が特徴。",
    "分析により、{a}が{b}に強く影響することを明らかにした。",
)
# A note is a few bullets; remarks (`[fr] …`) stand inside them, as in the exported notes.
NOTE_FILLER = (
    "  • 元ポスト: https://x.com/{u}/status/{n}",
    "  • {m}の著者によるスレッドが分かりやすい",
    "    • [{h}] めちゃ速い",
    "    • [{h}] {a}の部分、もう少し詳しく知りたい",
    "    • [{h}] 再現実験してみたい",
    "  • {a}との比較がほしい",
    "  • Appendixに{b}の詳細な実験あり",
    "    • [{h}] 前回読んだ論文と近い",
    "  • 解説記事: https://zenn.dev/{u}/articles/{n}",
    "  • {a}に関しては関連研究を参照",
    "  • 自分の理解は{a}で止まっていたけど、その先の{b}という分野に進んでいた",
    "  • {a}を{b}の問題として扱うのがポイント",
    "    • 詳細は謎でみんな様々な予想をしている",
    "  • {a}が{b}よりも効いているらしい",
    "  • 実装は{n}行程度で、{a}の部分だけ差し替えればよい",
    "    • この辺りはややこしいので元記事を参照",
    "  • {m}は{a}と{b}の両方で評価していて、特に{a}で差が大きい",
    "  • ablationで{b}を外すと大きく性能が落ちる",
    "  • 個人的には{a}の設計が一番面白かった",
    "  • Limitation: {b}については検証していない",
)
NOTE_LINES = (3, 10)
# Words any ML title may use, whatever the paper is about.
TITLE_COMMON = (
    *("Large Language Models", "Language Models", "LLMs", "Transformers", "Neural Networks"),
    *("Deep Learning", "Foundation Models", "Benchmark", "Data", "Training", "Inference"),
    *("Generalization", "Robustness", "Efficiency", "Open Models", "Small Models", "Scaling"),
    *("Learning", "Representations", "Evaluation"),
)
# Catchy titles that name no topic at all.
TITLE_CATCHY = (
    "{M}: Less is More",
    "{M} Is All You Need",
    "What Matters in {C}?",
    "{M}: A Simple Baseline",
    "Do {C} Really Need {D}?",
)
TITLE_PATTERNS = (
    "{M}: {A} for {B}",
    "{M}: Towards {A} with {B}",
    "Rethinking {A} in {B}",
    "Scaling {A} via {B}",
    "{A} Meets {B}: {M}",
    "Efficient {A} for {B}",
    "On the Limits of {A} in {B}",
    "{M}: Improving {A} through {B}",
    "Understanding {A} and {B}",
    "A Survey on {A}",
)
HANDLES = ("fr", "pon", "kei", "mt", "yk", "sho", "aya", "tak", "nao", "ryo")
SYLLABLES = (
    "ver",
    "if",
    "neo",
    "mo",
    "ra",
    "ga",
    "tron",
    "lex",
    "dis",
    "co",
    "zen",
    "pro",
    "fm",
    "ix",
)


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


class _Paper:
    """One paper being written: its areas, and the draws that fill its title and notes."""

    def __init__(self, rng: random.Random, area_weights: list[float]) -> None:
        self.rng = rng
        self.area = rng.choices(AREAS, weights=area_weights)[0]
        self.second = rng.choice(AREAS) if rng.random() < 0.3 else None
        self.stranger = rng.choice(AREAS)  # a word from an unrelated area, now and then
        syllables = (rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        self.method = "".join(syllables).capitalize()

    def term(self) -> str:
        rng, source = self.rng, self.area
        pick = rng.random()
        if self.second is not None and pick < 0.25:
            source = self.second
        elif pick > 0.9:
            source = self.stranger
        return rng.choice(source.ja) if rng.random() < 0.7 else rng.choice(source.en)

    def fill(self, pattern: str) -> str:
        rng = self.rng
        return pattern.format(
            a=self.term(),
            b=self.term(),
            m=self.method,
            n=rng.randint(2, 99999),
            u=f"user{rng.randint(1, 500)}",
            h=rng.choice(HANDLES),
        )

    def title(self) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            common = TITLE_COMMON
            return rng.choice(TITLE_CATCHY).format(
                M=self.method, C=rng.choice(common), D=rng.choice(common)
            )
        others = [*self.area.en, *(self.second.en if self.second else ()), *TITLE_COMMON]
        return rng.choice(TITLE_PATTERNS).format(
            M=self.method, A=rng.choice(self.area.en), B=rng.choice(others)
        )

    def text(self, notes: int) -> str:
        rng = self.rng
        summary = "".join(self.fill(p) for p in rng.sample(JA_FILLER, rng.randint(3, 6)))
        lines = [
            self.fill(rng.choice(NOTE_FILLER))
            for _ in range(notes)
            for _ in range(rng.randint(*NOTE_LINES))
        ]
        return "\n".join([summary, *lines])

    def tags(self, popularity: dict[str, float]) -> set[str]:
        rng = self.rng

        def draw(pool: tuple[str, ...], k: int) -> list[str]:
            return rng.choices(pool, weights=[popularity[t] for t in pool], k=k)

        tags = set(draw(self.area.tags, rng.randint(1, 3)))
        if self.second is not None and rng.random() < 0.5:
            tags.update(draw(self.second.tags, 1))
        tags.update(draw(GENERIC_TAGS, rng.randint(0, 3)))
        return set() if rng.random() < 0.05 else tags  # notes nobody tagged

    def categories(self) -> set[str]:
        usual = self.area.categories
        primary = self.rng.choices(usual, weights=[6, 2, 1][: len(usual)])[0]
        return {primary} | {c for c in usual if self.rng.random() < 0.3}


def generate(n_docs: int, *, notes: int | None = None, seed: int = 20250828) -> list[RelatedDoc]:
    """``n_docs`` papers holding ``notes`` notes in all (default 2.5 per paper)."""
    rng = random.Random(seed)
    all_tags = sorted({t for area in AREAS for t in area.tags} | set(GENERIC_TAGS))
    # One popularity ranking for every tag, the three broadest first: a Zipf law over it shapes
    # both the topical tags inside an area and the generic tags on top.
    rng.shuffle(all_tags)
    broadest = GENERIC_TAGS[:3]
    ranking = [*broadest, *(t for t in all_tags if t not in broadest)]
    popularity = dict(zip(ranking, _zipf_weights(len(ranking)), strict=True))
    area_weights = _zipf_weights(len(AREAS), s=0.7)
    notes_total = notes if notes is not None else n_docs * 5 // 2
    # Notes per paper are skewed: most papers have one or two, a few discussed ones a dozen.
    note_counts = [0] * n_docs
    for owner in rng.choices(range(n_docs), weights=_zipf_weights(n_docs, s=0.3), k=notes_total):
        note_counts[owner] += 1
    rng.shuffle(note_counts)

    docs = []
    for i in range(n_docs):
        paper = _Paper(rng, area_weights)
        docs.append(
            RelatedDoc(
                id=i + 1,
                title=paper.title(),
                text=paper.text(note_counts[i]),
                tags=frozenset(paper.tags(popularity)),
                categories=frozenset(paper.categories()),
            )
        )
    return docs
