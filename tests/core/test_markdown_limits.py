"""The attacks that pinned a process on save, recreated at the fields' limits.

Each renders quickly (the bound is generous for a loaded CI machine; before the caps these
inputs took 5–23 s, or ended in a RecursionError) and is capped the way the README says:
every character of the text is still shown, only structure past a cap is dropped.
"""

from __future__ import annotations

import logging
import time

import pytest

from apps.core.markdown import render_ahead, render_markdown
from apps.core.markdown.limits import (
    DEEP_DIVE_BODY_MAX_CHARS,
    HEADING_COST,
    MAX_BLOCK_ELEMENTS,
    MAX_LINE_CONTAINERS,
    MAX_LINES,
    MAX_TABLE_ROWS,
    MAX_TOC_ENTRIES,
    TOPIC_NOTES_MAX_CHARS,
)

from .test_markdown import Node, parse

BOUND_SECONDS = 5


def timed(source: str, *, with_toc: bool = True):
    start = time.perf_counter()
    rendered = render_markdown(source, with_toc=with_toc)
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND_SECONDS, f"took {elapsed:.1f}s"
    return rendered


def fill(unit: str, limit: int) -> str:
    return unit * (limit // len(unit))


def depth(node: Node, tag: str) -> int:
    below = [depth(kid, tag) for kid in node.content if isinstance(kid, Node)]
    return (node.tag == tag) + max(below, default=0)


def test_thousands_of_headings_keep_a_capped_toc_and_all_their_text() -> None:
    source = "".join(f"## 見出し {n}\n\n" for n in range(7_000))
    assert len(source) <= DEEP_DIVE_BODY_MAX_CHARS
    rendered = timed(source)
    root = parse(rendered.html)
    headings = root.find_all("h2")
    assert len(headings) == MAX_BLOCK_ELEMENTS // HEADING_COST
    assert len(parse(rendered.toc_html).find_all("a")) == MAX_TOC_ENTRIES
    # Past the budget the headings are text, in order, down to the last one (past the line cap
    # as written).
    texts = [pre.text.strip() for pre in root.find_all("pre")]
    assert texts[0].startswith(f"見出し {len(headings)}\n")
    assert texts[-1].endswith("## 見出し 6999")


def test_a_long_table_is_cut_after_its_row_cap_and_the_rows_stay_as_text() -> None:
    source = "| a | b |\n|---|---|\n" + "".join(f"| {n} | x |\n" for n in range(7_000))
    assert len(source) <= DEEP_DIVE_BODY_MAX_CHARS
    root = parse(timed(source).html)
    assert len(root.find_all("table")) == 1
    assert len(root.find_all("tr")) == 1 + MAX_TABLE_ROWS
    assert f"| {MAX_TABLE_ROWS} | x |" in root.text
    assert "| 6999 | x |" in root.text


@pytest.mark.parametrize("unit", ["<", "a<", "&", "< ", "a>", "\\<"])
def test_runs_of_escaped_characters_render_quickly_and_exactly(unit: str) -> None:
    source = fill(unit, DEEP_DIVE_BODY_MAX_CHARS)
    root = parse(timed(source).html)
    assert root.text.strip() == source.strip()


def test_lt_inside_a_code_block_stays_code() -> None:
    source = "```\n" + fill("<", TOPIC_NOTES_MAX_CHARS - 8) + "\n```"
    code = parse(timed(source, with_toc=False).html).find_all("code")
    assert len(code) == 1
    assert code[0].text.strip() == source[4:-4].strip()


@pytest.mark.parametrize("marker", ["- ", "* ", "+ ", "1. ", "> ", "- > "])
def test_one_line_of_nested_markers_is_flattened_not_recursed(marker, caplog) -> None:
    source = fill(marker, DEEP_DIVE_BODY_MAX_CHARS - 1) + "x"
    with caplog.at_level(logging.WARNING):
        root = parse(timed(source).html)
    assert not caplog.records  # no fallback, no RecursionError
    nesting = depth(root, "ul") + depth(root, "ol") + depth(root, "blockquote")
    assert 1 <= nesting <= MAX_LINE_CONTAINERS
    # The markers past the cap are text, shown as written.
    assert root.text.replace(" ", "").strip().endswith(marker.replace(" ", "") * 10 + "x")


def test_a_rule_of_many_dashes_is_still_a_rule() -> None:
    assert "<hr>" in render_markdown("- " * 40 + "-").html


def test_lines_past_the_line_cap_are_shown_preformatted_as_written() -> None:
    source = fill("a\n\n", DEEP_DIVE_BODY_MAX_CHARS) + "**end** <b>"
    root = parse(timed(source).html)
    assert len(root.find_all("p")) == MAX_LINES
    rest = root.find_all("pre")[-1].text
    assert rest.strip().endswith("a\n\n**end** <b>")


def test_one_huge_list_keeps_its_first_items_as_a_list() -> None:
    source = "".join(f"- item {n}\n" for n in range(MAX_BLOCK_ELEMENTS * 2))
    root = parse(timed(source).html)
    items = root.find_all("li")
    assert MAX_BLOCK_ELEMENTS - 10 < len(items) <= MAX_BLOCK_ELEMENTS + 1
    assert items[0].text == "item 0"
    assert root.text.strip().endswith(f"item {MAX_BLOCK_ELEMENTS * 2 - 1}")


def test_many_code_blocks_count_against_the_element_budget() -> None:
    source = fill("```\n<b>x</b>\n```\n\n", DEEP_DIVE_BODY_MAX_CHARS)
    root = parse(timed(source).html)
    assert len(root.find_all("code")) < MAX_BLOCK_ELEMENTS
    assert root.text.count("<b>x</b>") == source.count("<b>x</b>")


def test_entities_hidden_from_the_sanitizer_come_back_in_links_too() -> None:
    root = parse(render_markdown("see https://example.com/?a=1&b=2 and a && b").html)
    link = root.find_all("a")[0]
    assert link.attrs["href"] == "https://example.com/?a=1&b=2"
    assert root.text == "see https://example.com/?a=1&b=2 and a && b"


def test_the_pipelines_own_characters_are_removed_from_input() -> None:
    html = render_markdown("a\ue000b\ue002c <x>").html
    assert "\ue000" not in html
    assert "\ue002" not in html
    assert parse(html).text == "abc <x>"


def test_render_ahead_gives_the_same_rendering_without_rendering_again() -> None:
    with render_ahead([("- a *b*", False), ("## T", True)]):
        first = render_markdown("- a *b*")
        assert render_markdown("- a *b*") is first
        assert render_markdown("## T", with_toc=True).toc_html
    assert render_markdown("- a *b*") == first
    assert render_markdown("- a *b*") is not first
