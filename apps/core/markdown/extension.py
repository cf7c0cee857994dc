"""The python-markdown configuration: stock extensions plus the one local extension."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor, slugify_unicode

from .guards import (
    BlockBudgetTreeprocessor,
    InlineBudgetTreeprocessor,
    InputGuardPreprocessor,
    LessThanPostprocessor,
)
from .limits import MAX_TOC_ENTRIES
from .lists import ListIndentPreprocessor
from .math import INLINE_MATH_RE, BlockMathPreprocessor, InlineMathProcessor
from .sanitize import HEADING_ID_PREFIX

if TYPE_CHECKING:
    from markdown.extensions.toc import _TocToken


class StudyNotesExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After fenced_code (25) so code is already stashed, before raw HTML (20) so HTML written
        # inside math stays text.
        md.preprocessors.register(BlockMathPreprocessor(md), "study_block_math", 22)
        md.preprocessors.register(InputGuardPreprocessor(md), "study_input_guard", 21)
        # After raw HTML blocks (20) so a pasted <pre> keeps its indentation.
        md.preprocessors.register(ListIndentPreprocessor(md), "study_list_indent", 18)
        # Below backticks (190, code spans win) and above escapes (180) and emphasis.
        md.inlinePatterns.register(InlineMathProcessor(INLINE_MATH_RE, md), "study_math", 185)
        md.ESCAPED_CHARS.append("$")
        # Before "inline" (20), which they protect; the block budget first, so that text it
        # flattens costs the inline budget nothing.
        md.treeprocessors.register(BlockBudgetTreeprocessor(md), "study_block_budget", 26)
        md.treeprocessors.register(InlineBudgetTreeprocessor(md), "study_inline_budget", 25)
        # After raw HTML is restored (30), so placeholders inside it are restored too.
        md.postprocessors.register(LessThanPostprocessor(md), "study_lt", 5)


def _first_entries(tokens: list[_TocToken], budget: list[int]) -> list[_TocToken]:
    """The nested TOC tokens cut after the first MAX_TOC_ENTRIES headings, in document order."""
    kept: list[_TocToken] = []
    for token in tokens:
        if budget[0] <= 0:
            break
        budget[0] -= 1
        short = token.copy()
        short["children"] = _first_entries(token["children"], budget)
        kept.append(short)
    return kept


class _CappedTocTreeprocessor(TocTreeprocessor):
    # Every heading keeps its anchor; only the list beside the document is cut short.
    def build_toc_div(self, toc_list: list[_TocToken]) -> etree.Element:
        return super().build_toc_div(_first_entries(toc_list, [MAX_TOC_ENTRIES]))


class _CappedTocExtension(TocExtension):
    TreeProcessorClass = _CappedTocTreeprocessor


def _slugify(value: str, separator: str) -> str:
    # Unicode slugs so Japanese headings get readable anchors (`#h-強化学習`).
    return HEADING_ID_PREFIX + slugify_unicode(value, separator)


def new_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "sane_lists",
            # The TOC is shown beside the document, so no in-text [TOC] marker.
            _CappedTocExtension(slugify=_slugify, marker=""),
            StudyNotesExtension(),
        ],
        extension_configs={
            # `align` attribute instead of style=: the allowlist admits no style at all.
            "tables": {"use_align_attribute": True},
        },
        output_format="html",
    )
