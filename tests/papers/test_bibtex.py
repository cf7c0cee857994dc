from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

import pytest

from apps.papers.bibtex import (
    ENCODING_LINE,
    BibEntry,
    bibtex_document,
    bibtex_entry,
    citation_key,
    citation_keys,
)

VERIF = BibEntry(
    title="VerIF: Verification Engineering for Reinforcement Learning in Instruction Following",
    authors=["Hao Peng+"],
    year=2025,
    month=8,
    venue="arXiv'25",
    arxiv_id="2506.09942v2",
    primary_class="cs.CL",
)
CHECKLISTS = BibEntry(
    title="Are Checklists Really Useful for Automatic Evaluation of Generative Tasks?",
    authors=["Momoka Furuhashi", "Kouta Nakayama", "Takashi Kodama"],
    year=2025,
    venue="EMNLP'25",
)
BERT = BibEntry(
    title="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    authors=["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"],
    year=2019,
    booktitle="Proceedings of NAACL-HLT 2019",
    doi="10.18653/v1/N19-1423",
    url="https://aclanthology.org/N19-1423/",
)
ALPHAFOLD = BibEntry(
    title="Highly accurate protein structure prediction with AlphaFold",
    authors=["John Jumper", "Richard Evans", "others"],
    year=2021,
    journal="Nature",
    doi="10.1038/S41586-021-03819-2",
    entry_type="journal-article",
)
JAPANESE = BibEntry(
    title="大規模言語モデルにおける強化学習の検証",
    authors=["山田 太郎", "佐藤 花子"],
    year=2025,
    arxiv_id="2503.08026",
)
HOSTILE = BibEntry(
    title="Costs {50%} & more_x: a ~ b ^ c # d \\ e, and $5 or $10",
    authors=["R&D Team", "Google and DeepMind", "Müller, Jörg"],
    year=2024,
    venue="Workshop on Data_Sets & Benchmarks #3",
    url="https://example.org/a_b?x=1&y={2} 3#frag",
)


# --- a small .bib reader: what bibtex and biber need from an entry -------------------------


@dataclass
class Parsed:
    kind: str
    key: str
    fields: dict[str, str]  # name (lower-case) → value as written, delimiters included


_ENTRY_HEAD = re.compile(r"@([A-Za-z]+)\{([^\s,{}()=\"#%'~\\]+),")
_FIELD_NAME = re.compile(r"\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*")
_BARE_VALUE = re.compile(r"[0-9]+|[A-Za-z][A-Za-z0-9_-]*")


def parse_bib(text: str) -> list[Parsed]:
    entries, pos = [], 0
    while (at := text.find("@", pos)) >= 0:
        outside = text[pos:at]
        assert all(not line.strip() or line.startswith("%") for line in outside.splitlines())
        head = _ENTRY_HEAD.match(text, at)
        assert head, f"malformed entry head at {text[at : at + 40]!r}"
        kind, key, pos = head[1].lower(), head[2], head.end()
        fields: dict[str, str] = {}
        while True:
            rest = text[pos:].lstrip()
            if rest.startswith("}"):
                pos = len(text) - len(rest) + 1
                break
            name = _FIELD_NAME.match(text, pos)
            assert name, f"malformed field in {key} at {text[pos : pos + 40]!r}"
            value, pos = _value(text, name.end(), key)
            assert name[1].lower() not in fields, f"{key}: {name[1]} twice"
            fields[name[1].lower()] = value
            after = text[pos:].lstrip()
            pos = len(text) - len(after)
            if after.startswith(","):
                pos += 1
            else:
                assert after.startswith("}"), f"{key}: expected , or }} after {name[1]}"
        entries.append(Parsed(kind, key, fields))
    assert not text[pos:].strip()
    return entries


def _value(text: str, pos: int, key: str) -> tuple[str, int]:
    if text[pos] != "{":
        bare = _BARE_VALUE.match(text, pos)
        assert bare, f"{key}: malformed value at {text[pos : pos + 40]!r}"
        return bare[0], bare.end()
    depth = 0
    for end in range(pos, len(text)):
        # bibtex counts every brace, backslash or not: "\{" alone unbalances the entry.
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        if depth == 0:
            return text[pos : end + 1], end + 1
    raise AssertionError(f"{key}: unbalanced braces")


def inner(value: str) -> str:
    assert value.startswith("{")
    assert value.endswith("}")
    return value[1:-1]


# --- the document --------------------------------------------------------------------------


def test_a_document_is_well_formed_with_one_key_per_entry():
    entries = [VERIF, CHECKLISTS, BERT, ALPHAFOLD, JAPANESE, HOSTILE, VERIF, VERIF]
    text = bibtex_document(entries)
    assert text.startswith(ENCODING_LINE + "\n")
    parsed = parse_bib(text)
    assert len(parsed) == len(entries)
    keys = [p.key.casefold() for p in parsed]
    assert len(set(keys)) == len(keys)
    assert all(key.isascii() for key in keys)


def test_an_arxiv_preprint_is_a_misc_entry_with_its_eprint():
    (entry,) = parse_bib(bibtex_entry(VERIF))
    assert entry.kind == "misc"
    assert entry.key == "peng2025verif"
    assert inner(entry.fields["eprint"]) == "2506.09942"
    assert inner(entry.fields["archiveprefix"]) == "arXiv"
    assert inner(entry.fields["primaryclass"]) == "cs.CL"
    assert inner(entry.fields["url"]) == "https://arxiv.org/abs/2506.09942"
    assert entry.fields["month"] == "aug"
    assert inner(entry.fields["year"]) == "2025"
    assert "booktitle" not in entry.fields  # "arXiv'25" is no conference


def test_a_truncated_author_list_ends_in_others():
    (entry,) = parse_bib(bibtex_entry(VERIF))
    assert inner(entry.fields["author"]) == "Hao Peng and others"
    (entry,) = parse_bib(bibtex_entry(ALPHAFOLD))
    assert inner(entry.fields["author"]) == "John Jumper and Richard Evans and others"
    flagged = BibEntry(title="X", authors=["A One", "B Two"], authors_truncated=True)
    (entry,) = parse_bib(bibtex_entry(flagged))
    assert inner(entry.fields["author"]) == "A One and B Two and others"


def test_a_paper_with_a_venue_is_a_conference_paper_and_a_journal_an_article():
    (checklists,) = parse_bib(bibtex_entry(CHECKLISTS))
    assert checklists.kind == "inproceedings"
    assert inner(checklists.fields["booktitle"]) == "EMNLP'25"
    assert checklists.key == "furuhashi2025checklists"  # "Are" says nothing
    (bert,) = parse_bib(bibtex_entry(BERT))
    assert bert.kind == "inproceedings"
    assert inner(bert.fields["doi"]) == "10.18653/v1/n19-1423"
    (alphafold,) = parse_bib(bibtex_entry(ALPHAFOLD))
    assert alphafold.kind == "article"
    assert inner(alphafold.fields["journal"]) == "Nature"
    assert inner(alphafold.fields["doi"]) == "10.1038/s41586-021-03819-2"


def test_a_type_guess_the_fields_cannot_support_is_not_kept():
    guess = BibEntry(title="X", authors=["A B"], entry_type="inproceedings")
    assert parse_bib(bibtex_entry(guess))[0].kind == "misc"
    article = BibEntry(title="X", venue="TMLR", entry_type="article")
    (entry,) = parse_bib(bibtex_entry(article))
    assert (entry.kind, inner(entry.fields["journal"])) == ("article", "TMLR")
    unknown = BibEntry(title="X", entry_type="bogus")
    assert parse_bib(bibtex_entry(unknown))[0].kind == "misc"


# --- escaping ------------------------------------------------------------------------------


def test_special_characters_are_escaped_the_way_bibtex_needs():
    (entry,) = parse_bib(bibtex_entry(HOSTILE))
    title = inner(entry.fields["title"])
    assert r"{\textbraceleft}50\%{\textbraceright}" in title
    assert r"\& more\_x" in title
    assert r"{\textasciitilde}" in title
    assert r"{\textasciicircum}" in title
    assert r"\# d {\textbackslash} e" in title
    assert r"\$5 or \$10" in title  # prices, not math
    assert r"\{" not in title
    assert r"\}" not in title
    venue = inner(entry.fields["booktitle"])
    assert venue == r"Workshop on Data\_Sets \& Benchmarks \#3"


def test_no_unescaped_special_character_is_left_in_text():
    (entry,) = parse_bib(bibtex_entry(HOSTILE))
    title = inner(entry.fields["title"])
    for command in (
        r"{\textbraceleft}",
        r"{\textbraceright}",
        r"{\textbackslash}",
        r"{\textasciitilde}",
        r"{\textasciicircum}",
    ):
        title = title.replace(command, "")
    title = re.sub(r"\\[%&$#_]", "", title)
    assert not re.search(r"[%&$#_~^\\]", title), title


def test_math_in_a_title_stays_math():
    entry = BibEntry(title="Scaling $x^2$ Attention to $\\mathcal{O}(n \\log n)$ with 50% less")
    (parsed,) = parse_bib(bibtex_entry(entry))
    title = inner(parsed.fields["title"])
    assert "{$x^2$}" in title
    assert "{$\\mathcal{O}(n \\log n)$}" in title
    assert "50\\% less" in title


def test_math_with_a_comment_sign_is_escaped_inside_the_math():
    (parsed,) = parse_bib(bibtex_entry(BibEntry(title="Gains of $50%$ and $a&b$")))
    assert "{$50\\%$} and {$a\\&b$}" in inner(parsed.fields["title"])


def test_unbalanced_math_is_text():
    (parsed,) = parse_bib(bibtex_entry(BibEntry(title="Broken $x^{2$ formula")))
    assert (
        inner(parsed.fields["title"]) == r"Broken \$x{\textasciicircum}{\textbraceleft}2\$ formula"
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "BERT: Pre-training of Deep Bidirectional Transformers",
            "{BERT}: Pre-training of Deep Bidirectional Transformers",
        ),
        ("LoRA+: Efficient Low Rank Adaptation", "{LoRA}+: Efficient Low Rank Adaptation"),
        ("Motif 2.6B Technical Report", "Motif {2.6B} Technical Report"),
        ("Scaling GPT-4o with MoE (Mixture)", "Scaling {GPT-4o} with {MoE} (Mixture)"),
        ("(BERT) and LLMs", "({BERT}) and {LLMs}"),
        ("Deep Q-Learning", "Deep {Q-Learning}"),
        ("Low-Dimensional Residual Subspaces", "Low-Dimensional Residual Subspaces"),
        ("MetaCLIP 2: A Worldwide Scaling Recipe", "{MetaCLIP} 2: A Worldwide Scaling Recipe"),
        ("強化学習とRLHFの関係", "{強化学習とRLHFの関係}"),
    ],
)
def test_capitals_a_style_must_not_lower_case_are_braced(title, expected):
    (parsed,) = parse_bib(bibtex_entry(BibEntry(title=title)))
    assert inner(parsed.fields["title"]) == expected


def test_names_bibtex_would_split_or_misread_are_one_braced_name():
    (parsed,) = parse_bib(bibtex_entry(HOSTILE))
    assert inner(parsed.fields["author"]) == r"R\&D Team and {Google and DeepMind} and Müller, Jörg"
    (japanese,) = parse_bib(bibtex_entry(JAPANESE))
    assert inner(japanese.fields["author"]) == "{山田 太郎} and {佐藤 花子}"


def test_non_ascii_text_is_kept_as_utf8():
    text = bibtex_document([JAPANESE, HOSTILE])
    assert "大規模言語モデルにおける強化学習の検証" in text
    assert "Müller, Jörg" in text
    text.encode("utf-8")


def test_urls_are_kept_verbatim_except_what_would_break_the_entry():
    (parsed,) = parse_bib(bibtex_entry(HOSTILE))
    assert inner(parsed.fields["url"]) == "https://example.org/a_b?x=1&y=%7B2%7D%203#frag"
    odd = BibEntry(title="X", url="javascript:alert(1)")
    assert "url" not in parse_bib(bibtex_entry(odd))[0].fields


def test_control_characters_and_newlines_do_not_reach_the_file():
    entry = BibEntry(title="Line one\nline\x00two\r\n", authors=["A\tB"])
    text = bibtex_entry(entry)
    (parsed,) = parse_bib(text)
    assert inner(parsed.fields["title"]) == "Line one line two"
    assert "\x00" not in text


# --- keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        (VERIF, "peng2025verif"),
        (BERT, "devlin2019bert"),
        (
            BibEntry(title="The Delta Learning Hypothesis", authors=["Scott Geng"], year=2025),
            "geng2025delta",
        ),
        (
            BibEntry(title="On $\\alpha$-Divergences", authors=["Jörg Müller"], year=2020),
            "muller2020divergences",
        ),
        (BibEntry(title="X", authors=["Müller, Jörg"]), "mullerx"),
        (BibEntry(title="Straße", authors=["Łukasz Kaiser"], year=2017), "kaiser2017strasse"),
        (BibEntry(title="Ølsen", authors=["Søren Ørsted"], year=2001), "orsted2001olsen"),
        (BibEntry(title="強化学習", authors=["Taro Yamada"], year=2025), "yamada2025"),
        (JAPANESE, "arxiv2503_08026"),
        (BibEntry(authors=["山田 太郎"], arxiv_id="hep-th/9901001"), "arxivhep_th_9901001"),
        (BibEntry(title="X", key_hint="Vaswani:2017 attention"), "Vaswani:2017attention"),
    ],
)
def test_citation_keys(entry, key):
    assert citation_key(entry) == key


def test_a_japanese_only_entry_without_arxiv_id_gets_a_stable_ascii_key():
    entry = BibEntry(title="大規模言語モデルの評価", authors=["山田 太郎"], year=2024)
    key = citation_key(entry)
    assert re.fullmatch(r"paper[0-9a-f]{8}", key)
    assert (
        citation_key(BibEntry(title="大規模言語モデルの評価", authors=["山田 太郎"], year=2024))
        == key
    )
    assert citation_key(BibEntry(title="別の論文", authors=["山田 太郎"], year=2024)) != key


def test_repeated_keys_get_letters_and_case_does_not_make_a_key_unique():
    same = BibEntry(title="VerIF again", authors=["Hao Peng"], year=2025)
    hinted = BibEntry(title="X", key_hint="PENG2025VERIF")
    keys = citation_keys([VERIF, same, same, hinted])
    assert keys == ["peng2025verif", "peng2025verifa", "peng2025verifb", "PENG2025VERIFc"]
    many = citation_keys([same] * 29)
    assert many[1] == "peng2025verifa"
    assert many[26] == "peng2025verifz"
    assert many[27] == "peng2025verifaa"
    assert len({k.casefold() for k in many}) == 29


def test_a_key_that_would_collide_with_a_suffixed_key_is_still_unique():
    keys = citation_keys(
        [
            BibEntry(title="Verif", authors=["Hao Peng"], year=2025),
            BibEntry(title="Verif", authors=["Hao Peng"], year=2025),
            BibEntry(title="Verifa", authors=["Hao Peng"], year=2025),
        ]
    )
    assert len(set(keys)) == 3


# --- the real thing, when it is installed ---------------------------------------------------


def test_bibtex_reads_the_document_without_errors(tmp_path):
    if shutil.which("bibtex") is None:
        pytest.skip("bibtex is not installed (texlive-binaries); the structural checks above ran")
    entries = [VERIF, CHECKLISTS, BERT, ALPHAFOLD, JAPANESE, HOSTILE, VERIF]
    (tmp_path / "refs.bib").write_text(bibtex_document(entries), encoding="utf-8")
    (tmp_path / "paper.aux").write_text(
        "\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n", encoding="utf-8"
    )
    run = subprocess.run(
        ["bibtex", "paper"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode in (0, 1), run.stdout + run.stderr  # 1: warnings only
    assert "error message" not in run.stdout, run.stdout
    bbl = (tmp_path / "paper.bbl").read_text(encoding="utf-8")
    for key in citation_keys(entries):
        assert f"\\bibitem{{{key}}}" in bbl


@pytest.mark.parametrize(
    "text",
    [
        "@misc{k,\n  title = {a \\{ b}\n}",  # "\{" unbalances the entry for bibtex
        "@misc{k,\n  title = {a}\n  year = {2025}\n}",  # missing comma
        "@misc{k a,\n  title = {a}\n}",  # space in key
        "@misc{k,\n  title = {a},\n  title = {b}\n}",
        "stray text\n@misc{k,\n  title = {a}\n}",
    ],
)
def test_the_reader_above_rejects_what_bibtex_rejects(text):
    with pytest.raises(AssertionError):
        parse_bib(text)
