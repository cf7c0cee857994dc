"""Markdown rendering as members write it: nested notes, numbered lists, code, tables, math,
Japanese headings and bare URLs. Outputs are parsed, not string-matched, wherever structure
matters."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from apps.core.markdown import Rendered, render_markdown

VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    content: list[Node | str] = field(default_factory=list)  # text and elements, in order

    @property
    def children(self) -> list[Node]:
        return [c for c in self.content if isinstance(c, Node)]

    @property
    def own_text(self) -> str:
        return "".join(c for c in self.content if isinstance(c, str))

    @property
    def text(self) -> str:
        """All text inside, in document order (like DOM textContent)."""
        return "".join(c if isinstance(c, str) else c.text for c in self.content)

    def find_all(self, tag: str) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found += child.find_all(tag)
        return found

    def kids(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].content.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].content.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].content.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def render(source: str) -> Node:
    return parse(render_markdown(source).html)


def outline(list_node: Node) -> list:
    """A list as nested Python lists: ["a", ["b", ["c"]], "d"] — item text, then its sublist."""
    result: list = []
    for li in list_node.kids("li"):
        own = li.own_text.strip() + "".join(p.text.strip() for p in li.kids("p"))
        result.append(own)
        for sub in li.kids("ul") + li.kids("ol"):
            result.append(outline(sub))
    return result


# --- lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("- a\n  - b\n    - c\n  - d\n- e\n", id="2-space"),
        pytest.param("- a\n    - b\n        - c\n    - d\n- e\n", id="4-space"),
        pytest.param("- a\n  - b\n      - c\n  - d\n- e\n", id="mixed-2-then-4"),
        pytest.param("* a\n  + b\n    * c\n  + d\n* e\n", id="other-markers"),
        # As pasted from the old notes page: `•` bullets, top level already indented by two.
        pytest.param("  • a\n    • b\n      • c\n    • d\n  • e\n", id="old-notes-bullets"),
    ],
)
def test_nested_bullets_nest_by_indentation(source: str) -> None:
    root = render(source)
    top = root.kids("ul")
    assert len(top) == 1
    assert outline(top[0]) == ["a", ["b", ["c"], "d"], "e"]


def test_two_space_nesting_from_the_sample_notes() -> None:
    source = (
        "[blog] RAGの検索性能を90%も低下させるテキストの落とし穴\n\n"
        "  • RAGの性能悪化をもたらすバイアスを紹介\n"
        "    • 位置バイアス\n"
        "      • 回答となるべき情報が文章の先頭にあるほど類似度が高く出る\n"
        "    • 単語バイアス\n"
        "      • 表記揺れ(US ↔ United States)で類似度が大きく異なる\n"
    )
    ul = render(source).kids("ul")[0]
    assert outline(ul) == [
        "RAGの性能悪化をもたらすバイアスを紹介",
        [
            "位置バイアス",
            ["回答となるべき情報が文章の先頭にあるほど類似度が高く出る"],
            "単語バイアス",
            ["表記揺れ(US ↔ United States)で類似度が大きく異なる"],
        ],
    ]


def test_all_ones_numbered_list_counts_its_items() -> None:
    root = render("1. 記憶の保存\n1. 情報の検索\n1. 応答の生成\n")
    ol = root.kids("ol")
    assert len(ol) == 1
    assert [li.text for li in ol[0].kids("li")] == ["記憶の保存", "情報の検索", "応答の生成"]
    assert "start" not in ol[0].attrs


def test_numbered_list_keeps_its_start_number() -> None:
    ol = render("3. c\n4. d\n").kids("ol")[0]
    assert ol.attrs["start"] == "3"
    assert len(ol.kids("li")) == 2


def test_numbered_list_nested_by_two_spaces_under_numbers_and_bullets() -> None:
    source = "1. メモリ抽出\n  1. LLMを用いて抽出\n1. メモリ更新\n  - 既存と統合\n"
    ol = render(source).kids("ol")[0]
    assert outline(ol) == ["メモリ抽出", ["LLMを用いて抽出"], "メモリ更新", ["既存と統合"]]
    assert len(ol.kids("li")[0].kids("ol")) == 1
    assert len(ol.kids("li")[1].kids("ul")) == 1


def test_a_list_may_follow_a_paragraph_line_directly() -> None:
    root = render("今週のTOPIC\n- 論文A\n- 論文B\n")
    assert [p.text for p in root.kids("p")] == ["今週のTOPIC"]
    assert [li.text for li in root.kids("ul")[0].kids("li")] == ["論文A", "論文B"]


def test_a_year_at_line_start_does_not_start_a_list() -> None:
    root = render("その論文は\n2024. に出た\n")
    assert root.kids("ol") == []


def test_indented_paragraph_after_blank_line_stays_in_its_two_space_item() -> None:
    root = render("- a\n  - b\n\n    b の続き\n- c\n")
    ul = root.kids("ul")[0]
    items = ul.kids("li")
    assert len(items) == 2
    inner = items[0].kids("ul")[0].kids("li")[0]
    assert [p.text for p in inner.kids("p")] == ["b", "b の続き"]
    assert "c" in items[1].text


def test_lines_of_non_breaking_spaces_do_not_break_a_list() -> None:
    # The old notes page separates blocks with lines holding only U+00A0.
    root = render("- a\n\u00a0\n- b\n")
    assert len(root.kids("ul")) == 1
    assert len(root.kids("ul")[0].kids("li")) == 2


def test_heading_right_after_a_list_is_not_swallowed_by_it() -> None:
    root = render("- a\n## 次\n")
    assert [h.text for h in root.kids("h2")] == ["次"]


# --- code ----------------------------------------------------------------------------------


def test_fenced_code_keeps_angle_brackets_and_indentation() -> None:
    source = "```python\nif a < b:\n  - not a list\n    <b>x</b>\n```\n"
    html = render_markdown(source).html
    assert "&lt;" in html
    pre = parse(html).kids("pre")
    assert len(pre) == 1
    code = pre[0].kids("code")[0]
    assert code.attrs["class"] == "language-python"
    assert code.text == "if a < b:\n  - not a list\n    <b>x</b>\n"
    # Only the highlighter's token spans: the typed <b> stays text.
    assert code.children
    assert all(c.tag == "span" and c.attrs["class"].startswith("tok-") for c in code.children)


def test_code_span_is_literal() -> None:
    root = render("use `a_i * b_j <x>` here")
    codes = root.find_all("code")
    assert [c.text for c in codes] == ["a_i * b_j <x>"]
    assert root.find_all("em") == []


def test_fenced_code_inside_notes_is_not_linkified_or_mathed() -> None:
    root = render("```\ncurl https://example.com/$a$\n```\n")
    assert root.find_all("a") == []
    assert root.find_all("span") == []
    assert root.find_all("code")[0].text == "curl https://example.com/$a$\n"


# --- tables --------------------------------------------------------------------------------


def test_table_with_alignment() -> None:
    root = render("| 手法 | スコア |\n|:--|--:|\n| RMM | 0.9 |\n| RAG | 0.7 |\n")
    table = root.kids("table")[0]
    headers = table.find_all("th")
    assert [th.text for th in headers] == ["手法", "スコア"]
    assert [th.attrs.get("align") for th in headers] == ["left", "right"]
    assert [[td.text for td in tr.kids("td")] for tr in table.find_all("tr")[1:]] == [
        ["RMM", "0.9"],
        ["RAG", "0.7"],
    ]
    assert all("style" not in cell.attrs for cell in table.find_all("td") + headers)


# --- math ----------------------------------------------------------------------------------


def test_inline_math_keeps_underscores_and_asterisks() -> None:
    root = render("損失は $a_i * b_j$ と $c_i * d_j$ の和")
    spans = root.find_all("span")
    assert [(s.attrs, s.text) for s in spans] == [
        ({"class": "math"}, "$a_i * b_j$"),
        ({"class": "math"}, "$c_i * d_j$"),
    ]
    assert root.find_all("em") == []


def test_display_math_block_is_kept_verbatim_and_escaped() -> None:
    source = "式:\n\n$$\nL = \\sum_{i} a_i * b_i < 3 \\\\ x & y\n$$\n\n続き"
    html = render_markdown(source).html
    root = parse(html)
    divs = root.kids("div")
    assert [d.attrs for d in divs] == [{"class": "math"}]
    assert divs[0].text == "$$\nL = \\sum_{i} a_i * b_i < 3 \\\\ x & y\n$$"
    assert "&lt; 3" in html
    assert "&amp; y" in html
    assert [p.text for p in root.kids("p")] == ["式:", "続き"]


def test_one_line_display_math_and_inline_double_dollars() -> None:
    root = render("$$E = mc^2$$\n\nand inline $$x_1$$ too")
    assert [d.text for d in root.kids("div")] == ["$$E = mc^2$$"]
    assert [s.text for s in root.find_all("span")] == ["$$x_1$$"]


def test_html_inside_math_is_math_text() -> None:
    root = render("$x <em>y</em>$ and $$\n<strong>z</strong>\n$$")
    assert root.find_all("em") == []
    assert root.find_all("strong") == []
    assert [s.text for s in root.find_all("span")] == [
        "$x <em>y</em>$",
        "$$\n<strong>z</strong>\n$$",  # opened mid-line, so inline
    ]


def test_money_is_not_math() -> None:
    root = render("GPUは $5 から $10 くらい、US$3/$4 の日もある")
    assert root.find_all("span") == []
    assert root.text == "GPUは $5 から $10 くらい、US$3/$4 の日もある"


def test_escaped_dollar_is_a_literal_dollar() -> None:
    root = render(r"価格は \$a_i\$ です")
    assert root.find_all("span") == []
    assert root.text == "価格は $a_i$ です"


def test_math_inside_code_span_is_code() -> None:
    root = render("`$a_i$`")
    assert root.find_all("span") == []
    assert root.find_all("code")[0].text == "$a_i$"


def test_math_inside_a_two_space_list_item() -> None:
    root = render("- 損失\n  $$\n  L = a_i * b_i\n  $$\n- 次\n")
    items = root.kids("ul")[0].kids("li")
    assert len(items) == 2
    assert [d.text for d in items[0].find_all("div")] == ["$$\nL = a_i * b_i\n$$"]


# --- headings and table of contents --------------------------------------------------------


def test_japanese_headings_get_prefixed_unicode_anchors() -> None:
    root = render("# 機械学習 入門\n\n## forms\n\n## forms\n\n### location")
    ids = [h.attrs["id"] for h in root.find_all("h1") + root.find_all("h2") + root.find_all("h3")]
    assert ids == ["h-機械学習-入門", "h-forms", "h-forms_1", "h-location"]


def test_toc_is_a_nested_list_of_links_to_the_headings() -> None:
    source = "# 概要\n\n## 手法 $a_i$\n\n### 詳細\n\n## 結果\n\n本文"
    rendered = render_markdown(source, with_toc=True)
    toc = parse(rendered.toc_html)
    top = toc.kids("ul")
    assert len(top) == 1
    first = top[0].kids("li")[0]
    assert first.kids("a")[0].attrs["href"] == "#h-概要"
    second_level = first.kids("ul")[0].kids("li")
    assert [li.kids("a")[0].text for li in second_level] == ["手法 $a_i$", "結果"]
    assert second_level[0].kids("ul")[0].kids("li")[0].kids("a")[0].attrs["href"] == "#h-詳細"
    # Every TOC target exists in the body.
    body_ids = {n.attrs.get("id") for n in parse(rendered.html).find_all("h2")}
    assert {li.kids("a")[0].attrs["href"][1:] for li in second_level} <= body_ids
    assert "<div" not in rendered.toc_html


def test_toc_is_empty_without_headings_or_when_not_asked() -> None:
    assert render_markdown("- a\n- b", with_toc=True).toc_html == ""
    assert render_markdown("# 見出し", with_toc=False).toc_html == ""
    assert render_markdown("# 見出し").toc_html == ""


def test_toc_marker_is_plain_text() -> None:
    root = render("[TOC]\n\n# a")
    assert root.kids("p")[0].text == "[TOC]"


# --- links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "href", "before", "after"),
    [
        ("詳細はhttps://example.com/a を参照", "https://example.com/a", "詳細は", " を参照"),
        ("詳細はhttps://example.com/aを参照", "https://example.com/a", "詳細は", "を参照"),
        ("（https://example.com/a）参照", "https://example.com/a", "（", "）参照"),
        ("see https://example.com/a.", "https://example.com/a", "see ", "."),
        ("(see https://example.com/a)", "https://example.com/a", "(see ", ")"),
        (
            "(https://en.wikipedia.org/wiki/Foo_(bar))",
            "https://en.wikipedia.org/wiki/Foo_(bar)",
            "(",
            ")",
        ),
        (
            "arXiv: https://arxiv.org/abs/2503.08026v1。",
            "https://arxiv.org/abs/2503.08026v1",
            "arXiv: ",
            "。",
        ),
        ("HTTPS://EXAMPLE.COM/X?a=1&b=2#f", "HTTPS://EXAMPLE.COM/X?a=1&b=2#f", "", ""),
    ],
)
def test_bare_urls_become_links_without_eating_surrounding_text(
    source: str, href: str, before: str, after: str
) -> None:
    p = render(source).kids("p")[0]
    links = p.kids("a")
    assert [a.attrs["href"] for a in links] == [href]
    assert links[0].text == href
    assert p.text == before + href + after


def test_file_names_and_bare_domains_are_not_linked() -> None:
    root = render("train.py と README.md と example.com を見る")
    assert root.find_all("a") == []


def test_urls_in_code_are_not_linked() -> None:
    root = render("`https://example.com/a` and\n\n    https://example.com/b\n")
    assert root.find_all("a") == []


def test_every_link_gets_rel_nofollow_noopener_noreferrer() -> None:
    source = (
        "[論文](https://arxiv.org/abs/1) https://example.com/x <https://example.com/y> "
        '<a href="https://example.com/z" rel="opener">z</a>\n\n[ref][1]\n\n[1]: https://example.com/r'
    )
    links = render(source).find_all("a")
    assert len(links) == 5
    for a in links:
        assert set((a.attrs.get("rel") or "").split()) == {"nofollow", "noopener", "noreferrer"}
        assert "target" not in a.attrs


def test_markdown_link_keeps_href_and_title() -> None:
    a = render('[論文](https://arxiv.org/abs/2503.08026 "RMM")').find_all("a")[0]
    assert a.attrs["href"] == "https://arxiv.org/abs/2503.08026"
    assert a.attrs["title"] == "RMM"
    assert a.text == "論文"


def test_https_image_is_kept() -> None:
    img = render("![図1](https://example.com/fig1.png)").find_all("img")[0]
    assert img.attrs == {"src": "https://example.com/fig1.png", "alt": "図1"}


def test_relative_image_src_is_dropped() -> None:
    img = render("![x](/accounts/logout/)").find_all("img")[0]
    assert "src" not in img.attrs


# --- robustness ----------------------------------------------------------------------------


@pytest.mark.parametrize("source", [None, "", "   ", "\n\n\n"])
def test_nothing_renders_to_nothing(source: str | None) -> None:
    assert render_markdown(source) == Rendered("")
    assert render_markdown(source, with_toc=True) == Rendered("")


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("> " * 3000 + "deep", id="deep-blockquote"),
        pytest.param("".join(" " * (2 * i) + "- x\n" for i in range(500)), id="deep-list"),
        pytest.param("[" * 20000, id="brackets"),
        pytest.param("![a](" * 5000, id="image-openers"),
        pytest.param("<a " * 5000, id="tag-openers"),
        pytest.param("<div>" * 5000, id="nested-divs"),
        pytest.param("i<j " * 10000, id="inequalities"),
        pytest.param("$" * 20000, id="dollars"),
        pytest.param("$$ a\n" * 5000, id="unclosed-display-math"),
        pytest.param("`" * 20000, id="backticks"),
        pytest.param("*a **b ***c " * 5000, id="emphasis"),
        pytest.param("".join(map(chr, range(0, 0x20))) * 100, id="control-chars"),
        pytest.param("a\ud800b\udfff", id="lone-surrogates"),
        pytest.param("\ufdd0<b>\ufdd0", id="our-placeholder-char"),
        pytest.param("\x02wzxhzdk:0\x03 \x02klzzwxh:0\x03", id="markdown-stash-placeholders"),
        pytest.param("|a|\n|-|\n" + "|x|\n" * 3000, id="long-table"),
        pytest.param("<!--" * 5000, id="unclosed-comments"),
        pytest.param("```\n" * 5001, id="fences"),
    ],
)
def test_weird_input_renders_quickly_and_never_raises(source: str) -> None:
    start = time.perf_counter()
    rendered = render_markdown(source, with_toc=True)
    elapsed = time.perf_counter() - start
    assert isinstance(rendered.html, str)
    assert isinstance(rendered.toc_html, str)
    # Generous bound for slow CI; without the guards several of these take minutes.
    assert elapsed < 20, f"took {elapsed:.1f}s"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("[" * 20000, id="brackets"),
        pytest.param("ここで i<j かつ k<n を仮定する。 " * 3000, id="inequalities"),
        pytest.param("<div>" * 100, id="deep-raw-html"),
    ],
)
def test_defused_input_still_shows_all_its_text(source: str) -> None:
    # The guards against slow parsing show such text literally instead of dropping any of it.
    assert render(source).text.strip() == source.strip()


def test_huge_realistic_document_renders_every_item() -> None:
    # Dense (a heading, a nested list and a table every 110 characters): 250 sections are far
    # more structure than a real main topic of the same length (4,250 of 5,000), all kept.
    section = (
        "## 見出し {n}\n\n"
        "- 項目 {n} https://example.com/{n} と $a_{n}$\n"
        "  - 子 **太字** `code<x>`\n\n"
        "| a | b |\n|--|--|\n| {n} | x |\n\n"
    )
    source = "".join(section.format(n=n) for n in range(250))
    rendered = render_markdown(source, with_toc=True)
    root = parse(rendered.html)
    assert len(root.find_all("h2")) == 250
    assert len(root.find_all("li")) == 500
    assert len(root.find_all("a")) == 250
    assert len(root.find_all("span")) == 250
    assert len(parse(rendered.toc_html).find_all("a")) == 250
    assert "<pre>" not in rendered.html


@pytest.mark.parametrize(
    "text",
    [
        "めちゃ速い",
        "推薦にも基盤モデル\n次の行",
        "段落1\n\n段落2",
        "a\n\n\nb",
        "全角（かっこ）と、句読点。",
        "絵文字😀 mixed 123",
    ],
)
def test_plain_text_fast_path_gives_what_the_full_pipeline_gives(text):
    from apps.core.markdown.extension import new_markdown
    from apps.core.markdown.render import _plain_paragraphs
    from apps.core.markdown.sanitize import new_cleaner

    fast = _plain_paragraphs(text)

    assert fast is not None
    assert fast == new_cleaner().clean(new_markdown().convert(text))


@pytest.mark.parametrize(
    "text", ["a < b", "**太字**", "- 箇条書き", "https://example.com", "  字下げ", "x_y", "末尾 "]
)
def test_anything_that_may_be_markup_takes_the_full_pipeline(text):
    from apps.core.markdown.render import _plain_paragraphs

    assert _plain_paragraphs(text) is None
