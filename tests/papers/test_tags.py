from __future__ import annotations

import pytest
from django.utils import translation

from apps.papers.tags import (
    LABEL_MAX_LENGTH,
    SLUG_MAX_LENGTH,
    Tag,
    TagProblem,
    check_tag,
    normalize_tag,
    parse_tag_list,
    read_tag_list,
    tag_aliases,
)


@pytest.mark.parametrize(
    ("raw", "slug", "label"),
    [
        ("#NLP", "nlp", "NLP"),
        ("NLP", "nlp", "NLP"),
        ("nlp", "nlp", "nlp"),
        ("＃ｎｌｐ", "nlp", "nlp"),
        ("＃ＮＬＰ", "nlp", "NLP"),
        ("  #NLP  ", "nlp", "NLP"),
        ("##NLP", "nlp", "NLP"),
        ("# NLP", "nlp", "NLP"),
        ("#LanguageModel", "languagemodel", "LanguageModel"),
        ("#Language  Model", "languagemodel", "Language Model"),
        ("#Language-Model", "languagemodel", "Language-Model"),
        ("#Admin'sPick", "adminspick", "Admin'sPick"),
        ("#Admin’s Pick", "adminspick", "Admin’s Pick"),
        ("#RLVR", "rlvr", "RLVR"),
        ("#read-later", "readlater", "read-later"),
        ("#On-Policy", "onpolicy", "On-Policy"),
        ("#強化学習", "強化学習", "強化学習"),
        ("＃強化学習", "強化学習", "強化学習"),
        ("#解釈可能性", "解釈可能性", "解釈可能性"),
        ("#ゼロ・ショット", "ゼロショット", "ゼロ・ショット"),
        ("#データ", "データ", "データ"),
        ("#ﾃﾞｰﾀ", "データ", "データ"),  # half-width katakana
        ("#GPT-4o", "gpt4o", "GPT-4o"),
        ("#C++", "cplusplus", "C++"),
        ("#C#", "csharp", "C#"),
        ("#LoRA+", "loraplus", "LoRA+"),
        ("Straße", "strasse", "Straße"),
        ("NL\x00P", "nlp", "NL P"),
        ("N\u200bLP", "nlp", "NLP"),  # a zero-width space pasted from a web page
        ("\u202eNLP", "nlp", "NLP"),  # a bidi override
    ],
)
def test_spellings_of_one_tag(raw, slug, label):
    assert normalize_tag(raw) == Tag(slug=slug, label=label)


def test_case_width_and_hash_do_not_make_another_tag():
    spellings = ["#NLP", "＃ｎｌｐ", "nlp", "Nlp", "#N-L-P"]
    assert len({normalize_tag(s).slug for s in spellings}) == 1


def test_different_tags_stay_different():
    slugs = [normalize_tag(s).slug for s in ["C", "C++", "C#", "F#", "LoRA", "LoRA+", "RL", "RLVR"]]
    assert len(set(slugs)) == len(slugs)


@pytest.mark.parametrize(
    ("raw", "slug", "label", "aliases"),
    [
        (
            "#Supervised-FineTuning (SFT)",
            "supervisedfinetuning",
            "Supervised-FineTuning (SFT)",
            {"supervisedfinetuning", "sft"},
        ),
        (
            "Supervised-FineTuning(SFT)",
            "supervisedfinetuning",
            "Supervised-FineTuning (SFT)",
            {"supervisedfinetuning", "sft"},
        ),
        (
            "Reinforcement Learning from Human Feedback (RLHF)",
            "reinforcementlearningfromhumanfeedback",
            "Reinforcement Learning from Human Feedback (RLHF)",
            {"reinforcementlearningfromhumanfeedback", "rlhf"},
        ),
        ("Mixture-of-Experts (MoE)", "mixtureofexperts", "Mixture-of-Experts (MoE)", None),
        ("Low-Rank Adaptation (LoRA)", "lowrankadaptation", "Low-Rank Adaptation (LoRA)", None),
        ("強化学習（RL）", "強化学習", "強化学習 (RL)", {"強化学習", "rl"}),
        (
            "Transformer (survey)",
            "transformersurvey",
            "Transformer (survey)",
            {"transformersurvey"},
        ),
        ("GPT (OpenAI)", "gptopenai", "GPT (OpenAI)", {"gptopenai"}),
        ("DeepSeek (R1)", "deepseekr1", "DeepSeek (R1)", {"deepseekr1"}),
        ("(SFT)", "sft", "(SFT)", {"sft"}),
        ("SFT", "sft", "SFT", {"sft"}),
    ],
)
def test_a_trailing_abbreviation_is_an_alias(raw, slug, label, aliases):
    tag = normalize_tag(raw)
    assert tag == Tag(slug=slug, label=label)
    if aliases is not None:
        assert tag_aliases(raw) == aliases
        assert tag.aliases == aliases


def test_the_bare_abbreviation_and_the_bare_name_resolve_to_the_abbreviated_tag():
    full = tag_aliases("#Supervised-FineTuning (SFT)")
    assert normalize_tag("SFT").slug in full
    assert normalize_tag("#Supervised-FineTuning").slug in full
    assert normalize_tag("SupervisedFineTuning").slug in full
    assert normalize_tag("Supervised Fine-Tuning").slug in full


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", TagProblem.EMPTY),
        ("   ", TagProblem.EMPTY),
        ("#", TagProblem.EMPTY),
        ("###", TagProblem.EMPTY),
        ("＃", TagProblem.EMPTY),
        ("!!?", TagProblem.EMPTY),
        ("・", TagProblem.EMPTY),
        ("\x00", TagProblem.EMPTY),
        ("\u200b\u200b", TagProblem.EMPTY),
        (None, TagProblem.EMPTY),
        ("a" * 500, TagProblem.TOO_LONG),
        ("強" * (LABEL_MAX_LENGTH + 1), TagProblem.TOO_LONG),
        ("x" * (LABEL_MAX_LENGTH - 4) + " (SFT)", TagProblem.TOO_LONG),
    ],
)
def test_entries_that_are_no_tag_say_why(raw, problem):
    check = check_tag(raw)
    assert check.tag is None
    assert check.problem is problem
    assert check.message
    assert normalize_tag(raw) is None
    assert tag_aliases(raw) == set()


def test_a_tag_at_the_length_limit_is_accepted():
    assert normalize_tag("#" + "強" * LABEL_MAX_LENGTH) is not None
    assert normalize_tag("x" * (LABEL_MAX_LENGTH - 6) + "(SFT)") is not None
    # "+" and "#" are the longest spellings in a slug; even so the slug fits its column.
    assert len(normalize_tag("x" + "#" * (LABEL_MAX_LENGTH - 1)).slug) <= SLUG_MAX_LENGTH


def test_the_reason_is_written_for_the_member():
    with translation.override("ja"):
        assert "100" in check_tag("a" * 500).message
    assert check_tag("NLP").message == ""


def test_a_form_field_of_tags():
    text = "#NLP #LanguageModel, 強化学習、#RLVR\n＃ｎｌｐ  #Supervised-FineTuning (SFT) #Pocket"
    assert [t.label for t in parse_tag_list(text)] == [
        "NLP",
        "LanguageModel",
        "強化学習",
        "RLVR",
        "Supervised-FineTuning (SFT)",
        "Pocket",
    ]


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("", []),
        ("#", []),
        ("  ,, 、、\n\n  ", []),
        ("nlp NLP #nlp ＃ＮＬＰ", ["nlp"]),
        ("#NLP#LLM", ["NLP", "LLM"]),  # two hashtags run together
        ("C# F# C++", ["C#", "F#", "C++"]),
        ("NLP，LLM", ["NLP", "LLM"]),  # full-width comma
        ("NLP､LLM", ["NLP", "LLM"]),  # half-width ideographic comma
        ("NLP\tLLM\r\nRL", ["NLP", "LLM", "RL"]),
        ("NLP　LLM", ["NLP", "LLM"]),  # ideographic space
        ("SFT Supervised-FineTuning (SFT)", ["Supervised-FineTuning (SFT)"]),
        ("Supervised-FineTuning (SFT) SFT", ["Supervised-FineTuning (SFT)"]),
        (
            "SFT NLP SupervisedFineTuning Supervised-FineTuning(SFT)",
            ["Supervised-FineTuning (SFT)", "NLP"],
        ),
        ("RL (Reinforcement Learning) NLP", ["RL (Reinforcement Learning)", "NLP"]),
    ],
)
def test_tag_lists(text, labels):
    assert [t.label for t in parse_tag_list(text)] == labels


def test_a_list_reports_the_entries_that_are_no_tag_and_keeps_the_rest():
    result = read_tag_list("#NLP " + "x" * 500 + " !!! # #RL")
    assert [t.label for t in result.tags] == ["NLP", "RL"]
    assert [c.problem for c in result.rejected] == [TagProblem.TOO_LONG, TagProblem.EMPTY]
    assert read_tag_list(None).tags == []  # type: ignore[arg-type]


# The tag lines of one entry in a member's notes collection, as exported.
NOTE_TAGS = """#Pretraining
#Pocket
#NLP
#LanguageModel
#Alignment
#Supervised-FineTuning (SFT)
#OpenWeight
#Architecture
#PostTraining
#Admin'sPick
#DataMixture
"""


def test_the_tags_of_a_members_note():
    tags = parse_tag_list(NOTE_TAGS)
    assert [t.label for t in tags] == [line.removeprefix("#") for line in NOTE_TAGS.splitlines()]
    assert all(normalize_tag(t.label) == t for t in tags)
    assert tags[5].aliases == {"supervisedfinetuning", "sft"}
