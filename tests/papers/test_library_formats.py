"""Reading the members' paper-note collections: the real samples, layout variants, bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import time
from pathlib import Path

import pytest

from apps.papers.library_formats import (
    DIGEST,
    MAX_BYTES,
    SUMMARIES,
    TAGGED_NOTES,
    LibraryEntry,
    LibraryFormatError,
    LibraryParse,
    detect_format,
    digest,
    parse_library,
    read_library_file,
    summaries,
    tagged_notes,
)

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
NOTES = "paper-notes-sample.txt"
SUMMARIES_MD = "paper-summaries-sample.md"
DIGEST_TXT = "weekly-digest-sample.txt"
MEETING_EXPORT = "notes-export-2025-03-28.txt"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def by_title(parsed: LibraryParse, start: str) -> LibraryEntry:
    return next(e for e in parsed.entries if e.title.startswith(start))


def messages(parsed: LibraryParse, level: str | None = None) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in parsed.problems if level in (None, p.level)]


def without_lines(entry: LibraryEntry) -> LibraryEntry:
    """The entry as the board sees it, wherever it stood in the file."""
    related = [dataclasses.replace(ref, line=0) for ref in entry.related]
    return dataclasses.replace(entry, line=0, related=related)


@pytest.fixture(scope="module")
def notes() -> LibraryParse:
    return tagged_notes.parse(sample(NOTES))


@pytest.fixture(scope="module")
def papers() -> LibraryParse:
    return summaries.parse(sample(SUMMARIES_MD))


@pytest.fixture(scope="module")
def week() -> LibraryParse:
    return digest.parse(sample(DIGEST_TXT))


# --- tagged paper notes: the sample ----------------------------------------------------------


def test_notes_sample_has_nineteen_papers_in_file_order(notes):
    # 22 `Issue Date:` notes, three of them (lines 6-8) copies of lines 3-5.
    assert notes.format == TAGGED_NOTES
    assert len(notes.entries) == 19
    first, last = notes.entries[0], notes.entries[-1]
    assert first.title == (
        "VerIF: Verification Engineering for Reinforcement Learning in Instruction Following"
    )
    assert (first.line, first.noted_on) == (3, dt.date(2025, 8, 28))
    assert last.title == (
        "OpenVision: A Fully-Open, Cost-Effective Family of Advanced Vision Encoders "
        "for Multimodal Learning"
    )
    assert (last.line, last.noted_on) == (149, dt.date(2025, 6, 26))


def test_notes_duplicates_are_merged_with_an_info_line(notes):
    titles = [e.title for e in notes.entries]
    assert len(titles) == len(set(titles))
    infos = messages(notes, "info")
    assert [line for line, _m in infos] == [6, 7, 8]
    assert "3 行目と同じ論文です" in infos[0][1]
    verif = notes.entries[0]
    # One comment, not the same comment twice.
    assert verif.comment.count("元ポスト") == 1


def test_notes_tags_stand_before_their_note(notes):
    motif = by_title(notes, "Motif 2.6B")
    assert motif.tags == [
        "Pretraining",
        "Pocket",
        "NLP",
        "LanguageModel",
        "Alignment",
        "Supervised-FineTuning (SFT)",
        "OpenWeight",
        "Architecture",
        "PostTraining",
        "Admin'sPick",
        "DataMixture",
    ]
    findings = by_title(notes, "Evaluating Step-by-step Reasoning Traces")
    assert (findings.venue, findings.tags) == ("EMNLP'25 Findings", ["Pocket", "EMNLP", "Findings"])
    assert by_title(notes, "Are Checklists").tags == ["Pocket", "EMNLP"]
    # One-line layout: ` #Pocket` ending line 3 belongs to the note on line 4.
    assert by_title(notes, "Nemotron-CC-Math").tags == ["Pocket"]
    assert by_title(notes, "VerIF").tags == ["Pocket"]  # from line 2


def test_notes_note_starting_mid_line_after_the_previous_comment(notes):
    factuality = by_title(notes, "Learning to Reason for Factuality")
    cot = by_title(notes, "CoT-Self-Instruct")
    assert factuality.comment.endswith(
        "・Factualityに関するrewardを単独で追加するだけだと、LLMは非常に短く、詳細を省略した応答をしPrecicionのみを高めようとしてしまう。\nあとで追記する"
    )
    assert (cot.line, cot.noted_on) == (105, dt.date(2025, 8, 2))
    assert cot.tags == [
        "Pocket",
        "NLP",
        "LanguageModel",
        "InstructionTuning",
        "SyntheticData",
        "Reasoning",
    ]
    assert cot.summary.startswith("CoT-Self-Instructを提案し")
    assert cot.comment.endswith(
        "より複雑で具体的な指示を含むinstructionが生成されるように見える。\n・2094"
    )


def test_notes_heading_title_first_author_and_venue(notes):
    first_return = by_title(notes, "First Return")
    assert first_return.title == "First Return, Entropy-Eliciting Explore"  # comma in the title
    assert (first_return.authors, first_return.more_authors) == (["Tianyu Zheng"], True)
    assert first_return.venue == "arXiv'25"
    assert all(e.authors and e.more_authors for e in notes.entries)


def test_notes_summary_and_comment_split_in_both_layouts(notes):
    verif = notes.entries[0]  # one-line layout
    assert verif.summary.startswith("強化学習における検証可能な報酬(RLVR)の課題を探求し")
    assert verif.summary.endswith("データセットやコードは公開されている。")
    assert verif.comment == (
        "元ポスト:https://x.com/gm8xx8/status/1960875391083577580?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-Q"
    )
    caching = by_title(notes, "Auditing Prompt Caching")
    assert caching.summary.endswith("OpenAIの埋め込みモデルに関する新たな情報も発見した。")
    assert (caching.comment, caching.comment_urls) == ("", [])


def test_notes_comment_urls_are_cut_where_the_copy_glued_text_on(notes):
    assert by_title(notes, "Motif 2.6B").comment_urls == [
        "https://x.com/scaling01/status/1959604841577357430?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-Q",
        "https://huggingface.co/Motif-Technologies/Motif-2.6B",
    ]
    assert by_title(notes, "Are Checklists").comment_urls == [
        "https://x.com/tohoku_nlp_mmk/status/1958717497454002557?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-Q",
        "https://momo0817.github.io/checklist-effectiveness-study-github.io/",
    ]
    assert by_title(notes, "First Return").comment_urls == [
        "https://x.com/f14bertolotti/status/1943201406271328524?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-Q"
    ]
    # The copy has no link to the paper itself: those are found by title later.
    assert all(e.urls == [] and e.key.startswith("title:") for e in notes.entries)


def test_notes_numbers_in_comments_point_to_other_notes(notes):
    motif = by_title(notes, "Motif 2.6B")
    assert [(r.note_number, r.line) for r in motif.related] == [
        (1466, 24),
        (2538, 25),
        (1979, 27),
        (1060, 29),
        (2540, 31),
        (1943, 33),
        (2539, 34),
        (2109, 35),
    ]  # `・8B token学習する…` on line 28 is a model size, not a note
    assert [(r.note_number, r.line) for r in by_title(notes, "Learning to Reason").related] == [
        (2378, 100)
    ]
    assert [r.note_number for r in by_title(notes, "CoT-Self-Instruct").related] == [2094]


def test_notes_line_before_any_note_is_reported(notes):
    assert messages(notes, "warning") == [
        (1, "ノート（Issue Date: …）より前の行は読み飛ばしました: action_wanted")
    ]
    assert notes.errors == []


# --- tagged paper notes: layouts and related papers ------------------------------------------

# In these samples a backslash at the end of a line continues the same line of the file: the
# members' lines are longer than the source code's.
MULTI_LINE = """\
#Pocket
#Supervised-FineTuning (SFT)
Issue Date: 2025-08-25
[Paper Note] Motif 2.6B Technical Report, Junghwan Lim+, arXiv'25
SummaryMotif-2.6Bは、26億パラメータを持つ基盤LLM。
Comment元ポスト:https://x.com/scaling01/status/1959604841577357430?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-QHF:https://huggingface.co/Motif-Technologies/Motif-2.6B・アーキテクチャ
・1466
#NLP
Issue Date: 2025-08-22
[Paper Note] Are Checklists Really Useful for Automatic Evaluation of Generative Tasks?, \
Momoka Furuhashi+, EMNLP'25
Summary生成タスクの自動評価における課題。
Comment元ポスト:https://x.com/tohoku_nlp_mmk/status/1958717497454002557?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-Q
"""

ONE_LINE = """\
#Pocket #Supervised-FineTuning (SFT) Issue Date: 2025-08-25 [Paper Note] Motif 2.6B Technical \
Report, Junghwan Lim+, arXiv'25 SummaryMotif-2.6Bは、26億パラメータを持つ基盤LLM。 \
Comment元ポスト:https://x.com/scaling01/status/1959604841577357430?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-QHF:\
https://huggingface.co/Motif-Technologies/Motif-2.6B・アーキテクチャ
・1466 #NLP
Issue Date: 2025-08-22 [Paper Note] Are Checklists Really Useful for Automatic Evaluation of \
Generative Tasks?, Momoka Furuhashi+, EMNLP'25 Summary生成タスクの自動評価における課題。 \
Comment元ポスト:https://x.com/tohoku_nlp_mmk/status/1958717497454002557?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-Q
"""


def test_one_line_and_multi_line_layouts_give_equal_entries():
    multi, one = tagged_notes.parse(MULTI_LINE), tagged_notes.parse(ONE_LINE)
    assert len(multi.entries) == 2
    assert [without_lines(e) for e in one.entries] == [without_lines(e) for e in multi.entries]
    motif, checklists = multi.entries
    assert motif.tags == ["Pocket", "Supervised-FineTuning (SFT)"]
    assert checklists.tags == ["NLP"]
    assert motif.comment.endswith("・アーキテクチャ\n・1466")
    assert [r.note_number for r in motif.related] == [1466]
    assert multi.problems == one.problems == []


def test_extra_blank_lines_between_fields_and_notes_change_nothing():
    lines = MULTI_LINE.splitlines()
    # Blank lines everywhere but inside a comment, where they would be a paragraph break.
    spaced = "\n\n".join(lines[:6]) + "\n" + "\n\n\n".join([lines[6], *lines[7:]]) + "\n\n\n"
    assert "\n\n" in spaced.split("Comment")[0]
    assert spaced.count("\n") > 2 * len(lines)
    parsed = tagged_notes.parse(spaced)
    assert [without_lines(e) for e in parsed.entries] == [
        without_lines(e) for e in tagged_notes.parse(MULTI_LINE).entries
    ]


def test_quoted_notes_inside_a_comment_are_related_papers_not_notes():
    text = """\
#Pocket
Issue Date: 2025-08-08
[Paper Note] Learning to Reason for Factuality, Xilun Chen+, arXiv'25
Summary事実性の報酬設計。
Comment先行研究:
> Issue Date: 2025-03-01 [Paper Note] Reasoning Models Hallucinate More, Jane Roe+, arXiv'25 \
Summary推論モデルの幻覚。
手法は次の続編 Issue Date: 2024-11-02 [Paper Note] FactScore Revisited, Sewon Min+, EMNLP'24 \
Summary長文の事実性評価。
関連: [Paper Note] Long-form Factuality in LLMs, Jerry Wei+, NeurIPS'24
"""
    parsed = tagged_notes.parse(text)
    assert [e.title for e in parsed.entries] == ["Learning to Reason for Factuality"]
    related = parsed.entries[0].related
    assert [(r.title, r.line) for r in related] == [
        ("Reasoning Models Hallucinate More", 6),
        ("FactScore Revisited", 7),
        ("Long-form Factuality in LLMs", 8),
    ]
    assert "FactScore Revisited" in parsed.entries[0].comment
    assert parsed.problems == []


def test_note_quoted_after_tags_is_a_note_of_its_own():
    # The sample's line 105: the previous comment's last words, the tags, then a note.
    text = (
        "Issue Date: 2025-08-08 [Paper Note] A, X+, arXiv'25 SummaryS. Commentあとで追記する"
        " #Pocket #NLP Issue Date: 2025-08-02 [Paper Note] B, Y+, arXiv'25 SummaryT.\n"
    )
    a, b = tagged_notes.parse(text).entries
    assert (a.comment, a.tags) == ("あとで追記する", [])
    assert (b.title, b.tags, b.noted_on) == ("B", ["Pocket", "NLP"], dt.date(2025, 8, 2))


def test_tags_followed_by_no_note_are_reported_and_comment_hashes_kept():
    text = """\
Issue Date: 2025-08-08
[Paper Note] A Paper, X+, arXiv'25
Comment本文
#1 の実験と同じ設定
#Pocket
"""
    parsed = tagged_notes.parse(text)
    (entry,) = parsed.entries
    assert entry.comment == "本文\n#1 の実験と同じ設定"
    assert entry.tags == []
    assert messages(parsed, "warning") == [
        (5, "タグ（#…）のあとにノートがありません。これらのタグは読み飛ばしました。")
    ]


def test_note_without_a_title_is_an_error_and_the_others_are_kept():
    text = """\
Issue Date: 2025-08-09
[Paper Note]
Summary題名のない要約。
Issue Date: 2025-08-10
Summaryこれも題名がない。
Issue Date: 2025-08-08
[Paper Note] A Paper, X+, arXiv'25
"""
    parsed = tagged_notes.parse(text)
    assert [e.title for e in parsed.entries] == ["A Paper"]
    assert [(p.line, p.level) for p in parsed.errors] == [(1, "error"), (4, "error")]
    assert "タイトルがないノート" in parsed.errors[0].message


def test_bad_issue_dates_are_warnings_and_the_note_is_kept():
    text = (
        "Issue Date: 2025-02-30 [Paper Note] A, X+, arXiv'25\n"
        "Issue Date: [Paper Note] B, Y+, arXiv'25\n"
    )
    parsed = tagged_notes.parse(text)
    assert [(e.title, e.noted_on) for e in parsed.entries] == [("A", None), ("B", None)]
    assert [(line, level) for line, level in [(p.line, p.level) for p in parsed.problems]] == [
        (1, "warning"),
        (2, "warning"),
    ]
    assert "2025-02-30" in parsed.problems[0].message


def test_a_500_character_tag_is_kept_shortened_with_a_warning():
    long_tag = "T" * 500
    text = f"#{long_tag}\n#Pocket\nIssue Date: 2025-08-08\n[Paper Note] A Paper, X+, arXiv'25\n"
    parsed = tagged_notes.parse(text)
    assert parsed.entries[0].tags == ["T" * 100, "Pocket"]
    assert messages(parsed, "warning") == [
        (1, "タグが長すぎます（500 文字）。先頭の 100 文字だけを使います。")
    ]


# --- per-paper summaries ---------------------------------------------------------------------


def test_summaries_sample_four_papers_with_eight_sections_each(papers):
    assert papers.format == SUMMARIES
    assert [e.title for e in papers.entries] == [
        "Tell me why: Visual foundation models as self-explainable classifiers",
        "SoS1: O1 and R1-Like Reasoning LLMs are Sum-of-Square Solvers",
        "LiteASR: Efficient Automatic Speech Recognition with Low-Rank Approximation",
        "Sim-to-Real Reinforcement Learning for Vision-Based Dexterous Manipulation on Humanoids",
    ]
    assert [e.line for e in papers.entries] == [2, 95, 214, 326]
    assert all([s.number for s in e.sections] == list(range(1, 9)) for e in papers.entries)
    assert papers.problems == []


def test_summaries_urls_keys_and_sections(papers):
    first, last = papers.entries[0], papers.entries[-1]
    assert first.urls == ["http://arxiv.org/abs/2502.19577v1"]
    assert first.key == "arxiv:2502.19577"
    assert last.key == "arxiv:2502.20396"
    assert first.sections[0].heading == "既存研究では何ができなかったのか"
    assert first.sections[-1].body_markdown == (
        "VFMに軽量ヘッドを付けて解釈可能性UP！ProtoFMは、既存モデルと同性能で説明能力が段違い。"
        "予測根拠が分かりやすいから安心 #VFM #解釈可能性 #AI"
    )  # the `---` after it separates papers
    lite = papers.entries[2]
    assert lite.sections[3].heading == (
        "Limitationや問題点は何か。本文で言及されているものの他、あなたが考えるものも含めて"
    )
    assert lite.sections[3].body_markdown.startswith("### 本文で言及されているLimitation:")


def test_summaries_hash_lines_in_fenced_code_are_code(papers):
    technical = papers.entries[0].sections[4]
    assert "# Pseudo-code for ProtoFM training" in technical.body_markdown
    assert technical.body_markdown.count("```") == 2
    # The indented fence inside a list item keeps its `# E: number of environment parameters`.
    assert (
        "        # E: number of environment parameters"
        in papers.entries[3].sections[4].body_markdown
    )


def test_summary_without_view_paper_link_is_kept_and_reported():
    text = "# A Paper Without Link\n\n## 1. 既存研究では何ができなかったのか\n\n本文。\n"
    parsed = summaries.parse(text)
    (entry,) = parsed.entries
    assert (entry.urls, entry.key) == ([], "title:a paper without link")
    assert messages(parsed) == [
        (
            1,
            "「A Paper Without Link」に [View Paper](…) のリンクがありません。"
            "あとでタイトルで論文を探します。",
        )
    ]


def test_summaries_fences_indented_tilde_and_unclosed():
    text = """\
# Real Title
[View Paper](https://arxiv.org/abs/2401.02415)
## 1. 手法
*   list item
    ~~~
    # not a title
    ## 2. not a section
    ~~~
```python
# also code
```
## 2. 結果
```
# never closed
"""
    parsed = summaries.parse(text)
    (entry,) = parsed.entries
    assert [s.number for s in entry.sections] == [1, 2]
    assert "    ## 2. not a section" in entry.sections[0].body_markdown
    assert "# also code" in entry.sections[0].body_markdown
    assert messages(parsed) == [
        (13, "コードブロック（```）が閉じられないままファイルが終わっています。")
    ]


def test_markdown_with_only_code_blocks_is_refused_with_the_reason():
    text = "```python\n# Title\n## 1. Section\n```\n\n~~~\n# more\n~~~\n"
    parsed = summaries.parse(text)
    assert parsed.entries == []
    assert [p.message for p in parsed.errors] == [
        "論文のタイトル行（# タイトル）が見つかりません。"
        " コードブロックの中の # で始まる行はタイトルとして扱いません。"
    ]
    assert detect_format(text, name="notes.md") is None
    with pytest.raises(LibraryFormatError) as refused:
        parse_library(text, name="notes.md")
    assert "コードブロックしか見つかりません" in refused.value.message


def test_summaries_empty_title_and_duplicate_paper():
    text = """\
#
## 1. orphan section
# A Paper
[View Paper](http://arxiv.org/abs/2502.19577v1)
## 1. one
# A paper (again, as v2)
[View Paper](https://arxiv.org/abs/2502.19577v2)
## 1. two
"""
    parsed = summaries.parse(text)
    (entry,) = parsed.entries
    assert entry.title == "A Paper"
    assert entry.urls == [
        "http://arxiv.org/abs/2502.19577v1",
        "https://arxiv.org/abs/2502.19577v2",
    ]
    assert [(p.line, p.level) for p in parsed.problems] == [(1, "error"), (6, "info")]


# --- weekly digest ---------------------------------------------------------------------------


def test_digest_sample_lists_ten_papers_four_with_details(week):
    assert week.format == DIGEST
    assert week.period == (dt.date(2024, 1, 1), dt.date(2024, 1, 7))
    assert len(week.entries) == 10
    assert week.entries[0].title == "LLAMA PRO: Progressive LLaMA with Block Expansion"
    assert (
        week.entries[-1].title
        == "Fast Inference of Mixture-of-Experts Language Models with Offloading"
    )
    assert [len(e.qa) for e in week.entries] == [8, 10, 10, 10, 0, 0, 0, 0, 0, 0]
    assert all(e.noted_on == dt.date(2024, 1, 7) for e in week.entries)
    listed_only = messages(week, "info")
    assert [line for line, _m in listed_only] == [19, 22, 25, 28, 31, 34]
    assert week.errors == []
    assert len(week.problems) == 6


def test_digest_paper_block_fields(week):
    llama = week.entries[0]
    assert len(llama.authors) == 8
    assert llama.authors[0] == "Chengyue Wu"
    assert not llama.more_authors
    assert (llama.published, llama.updated, llama.categories) == (dt.date(2024, 1, 4), None, [])
    assert llama.urls == ["https://arxiv.org/pdf/2401.02415.pdf"]
    assert llama.key == "arxiv:2401.02415"
    assert llama.summary.startswith("大規模言語モデル(LLM)の新しい事後事前学習方法を提案し")
    assert llama.abstract.startswith("人間は一般的に新しいスキルを獲得する際に")
    assert (
        llama.qa[0].question
        == "Transformerブロックの拡張を伴うLLMのポスト再トレーニング方法の提案は?"
    )
    assert (
        llama.qa[0].answer
        == "提案された事後事前トレーニング方法は、Transformerブロックの拡張によるLLMの拡張です."
    )
    aloha = by_title(week, "Mobile ALOHA")
    assert aloha.categories == [
        "Robotics",
        "Artificial Intelligence",
        "Computer Vision and Pattern Recognition",
        "Machine Learning",
        "Systems and Control",
    ]  # written twice in the digest
    gpt4v = week.entries[3]
    assert gpt4v.title == "GPT-4V(ision) is a Generalist Web Agent, if Grounded"
    assert gpt4v.qa[-1].answer.startswith(
        "ウェブエージェントのグラウンディング戦略における残された課題"
    )
    docllm = by_title(week, "DocLLM")
    assert (docllm.published, docllm.authors, docllm.urls) == (dt.date(2023, 12, 31), [], [])
    assert docllm.key == (
        "title:docllm a layout aware generative language model"
        " for multimodal document understanding"
    )


def test_digest_two_weeks_count_mismatch_and_unanswered_question():
    text = """\
最新論文ノート:【2024-01-01~ 2024-01-07】
紹介する論文は以下の3本となります.
  1. Paper One
    発行日:2024年01月04日
    要約その一.

Paper One

著者:Ann Lee, Bo Chen
発行日:2024年01月04日
URL:http://arxiv.org/pdf/2401.02412v1
概要:
抄録.
Q&A:
Q: 何をした?
A: 提案した.
続きの行.
Q: 答えのない質問?
最新論文ノート:【2024-01-08~2024-01-14】
Paper Two

著者:Cy Dee
発行日:2024年01月10日
概要:
二本目.
"""
    parsed = digest.parse(text)
    one, two = parsed.entries
    assert parsed.period == (dt.date(2024, 1, 1), dt.date(2024, 1, 14))
    assert (one.noted_on, two.noted_on) == (dt.date(2024, 1, 7), dt.date(2024, 1, 14))
    assert one.qa[0].answer == "提案した.\n続きの行."
    assert one.qa[1].answer == ""
    assert [(p.line, p.level) for p in parsed.problems] == [(1, "warning"), (18, "warning")]
    assert "以下の3本" in parsed.problems[0].message


# --- detection and files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (NOTES, TAGGED_NOTES),
        (SUMMARIES_MD, SUMMARIES),
        (DIGEST_TXT, DIGEST),
        (MEETING_EXPORT, None),
    ],
)
def test_detect_format_of_each_sample(name, expected):
    assert detect_format(sample(name), name=name) == expected
    assert detect_format(sample(name)) == expected  # the content decides, not the name


def test_meeting_notes_export_is_refused_naming_the_three_formats():
    with pytest.raises(LibraryFormatError) as refused:
        parse_library(sample(MEETING_EXPORT), name=MEETING_EXPORT)
    message = refused.value.message
    for label in ("論文ごとの要約", "タグ付き論文ノート", "週刊論文ダイジェスト"):
        assert label in message
    assert "勉強会ノートの書き出し" in message


@pytest.mark.parametrize("name", [NOTES, SUMMARIES_MD, DIGEST_TXT])
def test_crlf_and_byte_order_mark_read_the_same(name):
    text = sample(name)
    plain = parse_library(text, name=name)
    data = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    assert read_library_file(data, name=name) == plain


def test_shift_jis_file_is_read_and_said_so():
    data = sample(DIGEST_TXT).replace("\u2013", "-").encode("cp932")  # Shift_JIS lacks "–"
    parsed = read_library_file(data, name=DIGEST_TXT)
    # (Windows' Shift_JIS turns 〜 into ～, so compare with the file's own characters.)
    assert parsed.entries == digest.parse(data.decode("cp932")).entries
    assert len(parsed.entries) == 10
    assert parsed.entries[0].authors[0] == "Chengyue Wu"
    assert parsed.problems[0].message == "文字コード Shift_JIS のファイルとして読みました。"


def test_files_that_are_not_text_are_refused():
    with pytest.raises(LibraryFormatError, match="空"):
        read_library_file(b"  \n")
    with pytest.raises(LibraryFormatError, match="バイナリ"):
        read_library_file(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(LibraryFormatError, match="ノート集は 2 MB まで"):
        read_library_file(b"x", size=MAX_BYTES + 1)


def test_mojibake_is_reported_with_its_first_line():
    lines = sample(NOTES).splitlines()
    lines[40] = "新しい数学コーパスを提案し".encode().decode("cp1252", errors="replace")
    lines[50] = "新しい数学コーパスを提案し".encode().decode("cp932", errors="replace")
    parsed = parse_library("\n".join(lines))
    assert len(parsed.entries) == 19
    mojibake = [p for p in parsed.problems if "文字化け" in p.message]
    assert [(p.line, p.level) for p in mojibake] == [(41, "warning")]
    assert "2 行" in mojibake[0].message


def test_latin1_style_mojibake_without_replacement_characters():
    garbled = "æ–°ã—ã„æ•°å­¦ã‚³ãƒ¼ãƒ‘ã‚¹"  # UTF-8 Japanese read as cp1252, saved again
    parsed = summaries.parse(f"# {garbled}\n[View Paper](https://arxiv.org/abs/2401.02415)\n")
    assert any("文字化け" in p.message and p.line == 1 for p in parsed.problems)
    assert not any("文字化け" in p.message for p in summaries.parse(sample(SUMMARIES_MD)).problems)


# --- robustness ------------------------------------------------------------------------------


def _parse_or_refusal(text: str) -> LibraryParse | LibraryFormatError:
    # Returned rather than asserted inside `except`: a refusal is checked like any other result.
    try:
        return parse_library(text)
    except LibraryFormatError as refused:
        return refused


def test_shuffled_fragments_of_the_samples_never_raise_anything_else():
    rng = random.Random(7)
    pool = [
        line for name in (NOTES, SUMMARIES_MD, DIGEST_TXT) for line in sample(name).splitlines()
    ]
    for _ in range(150):
        lines = rng.sample(pool, rng.randint(1, 60))
        if rng.random() < 0.3:
            cut = rng.randrange(len(lines))
            lines[cut] = lines[cut][: rng.randrange(len(lines[cut]) + 1)]
        text = "\n".join(lines)
        parsed = _parse_or_refusal(text)
        if isinstance(parsed, LibraryFormatError):
            # A refusal is an allowed outcome, as long as it tells the member why.
            assert parsed.message
            continue
        assert isinstance(parsed, LibraryParse)
        assert all(e.title for e in parsed.entries)
        for parse in (summaries.parse, tagged_notes.parse, digest.parse):
            assert isinstance(parse(text), LibraryParse)


def test_problem_reports_stop_growing_on_huge_broken_files():
    parsed = tagged_notes.parse("Issue Date: 2025-01-01 [Paper Note]\n" * 5000)
    assert parsed.entries == []
    assert len(parsed.problems) == 201
    assert parsed.problems[-1].message == "ほかに 4800 件の指摘があります（表示を省略しました）。"


def test_pathological_two_megabyte_files_parse_in_linear_time():
    size = 2 * 1024 * 1024
    one_line = "Issue Date: 2025-01-01 [Paper Note] " + "あ a#, Summary" * (size // 15)
    hashes = "# Title\n" + "#\n" * 100_000 + "x" * (size - 200_008)
    note_starts = "Issue Date: 2025-01-01 [Paper Note]\n" * (size // 36)
    # CPU time, not wall time: other work on a shared machine must not make this flake.
    started = time.process_time()
    for text, parse in [
        (one_line, summaries.parse),
        (one_line, tagged_notes.parse),
        (one_line, digest.parse),
        (hashes, summaries.parse),  # 100k empty titles
        (hashes, tagged_notes.parse),  # 100k lines that are neither tags nor notes
        (note_starts, tagged_notes.parse),  # 58k notes without a title
    ]:
        parsed = parse(text)
        assert len(parsed.problems) <= 201
    assert detect_format(note_starts) == TAGGED_NOTES
    with pytest.raises(LibraryFormatError):
        parse_library(hashes)
    # A quadratic step takes minutes on these; linear parsing takes a few seconds in all.
    assert time.process_time() - started < 10
