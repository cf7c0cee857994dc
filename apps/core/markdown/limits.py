"""How much Markdown one field accepts, and the caps that keep rendering linear in its length.

The field limits are the forms' and the importers' (one number per field, stated in the UI);
the render caps bound what any accepted text can cost, whatever its shape
(bench/markdown_worst.py prints the slowest shapes at these limits).
"""

from __future__ import annotations

# Characters per field. A real meeting's notes per topic are a few kB and a long main topic
# about 40,000 characters; each limit leaves room several times over.
TOPIC_NOTES_MAX_CHARS = 50_000
DEEP_DIVE_BODY_MAX_CHARS = 100_000
REMARK_MAX_CHARS = 2_000
LIBRARY_NOTE_MAX_CHARS = 20_000
GUIDANCE_MAX_CHARS = 20_000
# The longest of them: what the preview renders at most, whatever field it previews.
MARKDOWN_MAX_CHARS = max(
    TOPIC_NOTES_MAX_CHARS,
    DEEP_DIVE_BODY_MAX_CHARS,
    REMARK_MAX_CHARS,
    LIBRARY_NOTE_MAX_CHARS,
    GUIDANCE_MAX_CHARS,
)

# Block elements (paragraphs, list items, headings, table cells, …) one document renders as
# structure; the rest of it is shown as preformatted text. A 40,000-character main topic has
# about 1,500.
MAX_BLOCK_ELEMENTS = 5_000
# What a heading counts against that budget: its anchor and TOC entry cost three elements more.
HEADING_COST = 4
# Written (non-blank) lines one document renders as Markdown; the rest is shown preformatted,
# as written. A 40,000-character main topic has about 800.
MAX_LINES = 5_000
# Rows per table; further rows are shown as the plain text they were written as.
MAX_TABLE_ROWS = 1_000
# Entries in a table of contents (the headings themselves all keep their anchors).
MAX_TOC_ENTRIES = 300
# `- - - x`, `> > x`, `1. 1. x` on one line: containers opened by one line.
MAX_LINE_CONTAINERS = 8
