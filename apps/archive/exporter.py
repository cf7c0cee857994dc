"""A meeting → Markdown in the group's own layout, which the importer reads back unchanged.

    # 2025-03-28 機械学習勉強会          ← the date line (a heading marks the Markdown variant)
    guidance
    @Display Name (handle)             ← one block per presenter, in agenda order
    [blog] [Title](https://…)          ← or `[blog] Title` without a URL
    notes, as stored (Markdown)
    [fr] a board remark                ← remarks not already standing in the notes
    メインTOPIC
    @Display Name (handle)
    [Title](https://…)
    body, as stored

Blocks are separated by a blank line. A line of stored text that the importer would take for
a structural line (`@…`, `[blog] …`, `メインTOPIC`) gets its first character written as an
HTML entity, which renders the same.
"""

from __future__ import annotations

from apps.meetings.models import Meeting

from .notes_format import structural_kind
from .syntax import EXPORT_TAGS, FENCE_RE, HEADING_MARKS_RE, linked_title, remark_stands_in


def _protect(text: str) -> str:
    lines = []
    in_fence = False
    for line in text.splitlines():
        if FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and structural_kind(line, markdown=True) != "text":
            marks = HEADING_MARKS_RE.match(line)
            at = marks.end() if marks else 0
            line = f"{line[:at]}&#{ord(line[at])};{line[at + 1 :]}"
        lines.append(line)
    return "\n".join(lines).strip("\n")


def _presenter_line(user) -> str:
    return f"@{user.display_name} ({user.handle})"


def _remark_lines(remarks, text: str) -> str:
    """Remarks that do not already stand in the notes, one per line after them."""
    lines = []
    for remark in remarks:
        handle = remark.author.handle
        if remark_stands_in(handle, remark.body, text):
            continue
        first, *rest = [line.strip() for line in remark.body.splitlines() if line.strip()]
        lines.append(f"[{handle}] {first}")
        lines.extend(f"  {line}" for line in rest)  # continuation lines, read back as one remark
    return "\n".join(lines)


def meeting_markdown(*, meeting: Meeting) -> str:
    """`meeting` comes from apps.board.selectors.board_meetings() (no query per topic)."""
    parts = [f"# {meeting.date:%Y-%m-%d} {meeting.title}", _protect(meeting.guidance)]
    for block in meeting.blocks.all():
        topics = list(block.topics.all())
        if not topics:
            continue
        parts.append(_presenter_line(block.presenter))
        for topic in topics:
            parts.append(f"[{EXPORT_TAGS[topic.kind]}] {linked_title(topic.title, topic.url)}")
            parts.append(_protect(topic.notes))
            parts.append(_remark_lines(topic.remarks.all(), topic.notes))
    deep_dive = getattr(meeting, "deep_dive", None)
    if deep_dive is not None:
        parts += [
            "メインTOPIC",
            _presenter_line(deep_dive.presenter),
            linked_title(deep_dive.title, deep_dive.paper_url),
            deep_dive.body.strip("\n"),
            _remark_lines(deep_dive.remarks.all(), deep_dive.body),
        ]
    return "\n\n".join(part for part in parts if part) + "\n"
