"""Lists: members paste notes nested by 2 spaces; python-markdown nests by 4 only."""

from __future__ import annotations

import re

from markdown.preprocessors import Preprocessor

_LIST_ITEM_RE = re.compile(r"^( *)([-*+•]|\d{1,9}\.)( +)(\S.*)$")
_HR_RE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")
_ATX_HEADING_RE = re.compile(r"^ {0,3}#{1,6}(?: |$)")
_INDENT = " " * 4
# Deeper nesting adds nothing readable and python-markdown recurses per level.
_MAX_LIST_DEPTH = 12


class ListIndentPreprocessor(Preprocessor):
    """Rewrite list indentation to python-markdown's 4 spaces per level.

    The nesting level of an item is found from the indentation of the items above it (a stack),
    not from a fixed width, so 2-space, 4-space and mixed notes all nest the way they look.
    A child is anything indented at least 2 columns more than its parent's marker. Continuation
    lines are moved with the item they belong to. The old notes page's `•` bullet counts as `-`,
    and a bullet list (or one starting at `1.`) may start right after a paragraph line, as in
    CommonMark, instead of being glued onto the paragraph.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        stack: list[int] = []  # marker column of each open nesting level; empty = not in a list
        level = 0  # level that continuation lines currently belong to
        content_base = 0  # source column that maps to that level's content column
        prev_blank = True
        # Indentation of the first line after the last blank line. python-markdown hands a whole
        # blank-separated chunk that starts indented to the previous item, so an item that
        # dedents below it needs a blank line of its own or it gets nested too deep.
        chunk_indent = 0
        for line in lines:
            if not line.strip():
                # Lines of only NBSP/ideographic spaces (pasted from web pages) are blank to the
                # reader; python-markdown would keep them as text and break the list apart.
                out.append("")
                prev_blank = True
                continue
            col = len(line) - len(line.lstrip(" "))
            item = None if _HR_RE.match(line) else _LIST_ITEM_RE.match(line)

            if item and not stack:
                interrupts = item.group(2) in {"-", "*", "+", "•", "1."}
                if col >= 4 or not (prev_blank or interrupts):
                    item = None  # indented code, or an ordinary paragraph line like "2024. …"
                else:
                    if not prev_blank:
                        out.append("")
                        prev_blank = True
                    stack = [col]

            if item:
                while len(stack) > 1 and col < stack[-1] - 1:
                    stack.pop()
                if col >= stack[-1] + 2 and len(stack) < _MAX_LIST_DEPTH:
                    stack.append(col)
                level = len(stack) - 1
                indent = len(_INDENT) * level
                if not prev_blank and indent < chunk_indent:
                    out.append("")
                    prev_blank = True
                marker = "-" if item.group(2) == "•" else item.group(2)
                content_base = col + len(item.group(2)) + len(item.group(3))
                new_line = f"{' ' * indent}{marker} {item.group(4)}"
            elif (
                stack
                and not prev_blank
                and not (
                    col <= stack[0] + 1 and (_HR_RE.match(line) or _ATX_HEADING_RE.match(line))
                )
            ):
                # Lazy or indented continuation of the current item's paragraph.
                new_line = self._continuation(line, col, level, content_base)
            elif stack and prev_blank and col >= stack[0] + 2:
                # A new block (paragraph, code) inside the deepest item it is indented under.
                level = max(k for k, marker_col in enumerate(stack) if col >= marker_col + 2)
                content_base = stack[level] + min(col - stack[level], 4)
                new_line = self._continuation(line, col, level, content_base)
            else:
                if stack and not prev_blank:
                    out.append("")  # an `# heading` or `---` right after a list ends it
                stack = []
                new_line = line
            if prev_blank:
                chunk_indent = len(new_line) - len(new_line.lstrip(" "))
            out.append(new_line)
            prev_blank = False
        return out

    @staticmethod
    def _continuation(line: str, col: int, level: int, content_base: int) -> str:
        # Content of a level-n item sits at 4*(n+1); anything indented further keeps its extra
        # indentation (so an indented code block inside an item stays code).
        return _INDENT * (level + 1) + " " * max(0, col - content_base) + line.lstrip(" ")
