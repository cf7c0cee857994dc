"""Which of the three formats a file is, from its content (its name only breaks ties)."""

from __future__ import annotations

import re
from pathlib import PurePath

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import digest, summaries, tagged_notes
from .entries import DIGEST, SUMMARIES, TAGGED_NOTES
from .text import split_lines

FORMAT_LABELS = {
    SUMMARIES: gettext_lazy("論文ごとの要約（Markdown）"),
    TAGGED_NOTES: gettext_lazy("タグ付き論文ノート"),
    DIGEST: gettext_lazy("週刊論文ダイジェスト"),
}
_MARKDOWN_SUFFIXES = {".md", ".markdown"}
# The old notes page's export (apps.archive) starts with its meeting date and the group's name.
_MEETING_EXPORT = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}\s+\S*勉強会")


def detect_format(text: str, *, name: str = "") -> str | None:
    """The format's name (`SUMMARIES`, `TAGGED_NOTES`, `DIGEST`), or None for any other text."""
    scores = {
        DIGEST: digest.looks_like(text),
        TAGGED_NOTES: tagged_notes.looks_like(text),
        SUMMARIES: summaries.looks_like(text),
    }
    best = max(scores.values())
    if best == 0:
        return None
    tied = [format_ for format_, score in scores.items() if score == best]
    if SUMMARIES in tied and PurePath(name).suffix.lower() in _MARKDOWN_SUFFIXES:
        return SUMMARIES
    return tied[0]


def unknown_format_message(text: str) -> str:
    """Why the text is refused, naming the three formats, plus what this text looks like."""
    message = _(
        "論文ノート集の形式を判別できませんでした。読み込めるのは次の3つの形式です: "
        "論文ごとの要約（Markdown: 「# タイトル」「[View Paper](URL)」「## 1. …」）、"
        "タグ付き論文ノート（「Issue Date: 2025-08-28 [Paper Note] タイトル, 著者+, arXiv'25」）、"
        "週刊論文ダイジェスト（「最新論文ノート:【2024-01-01~2024-01-07】」と「著者:」「概要:」「Q&A:」）。"
    )
    lines = split_lines(text)
    first = next((line for line in lines if line.strip()), "")
    if _MEETING_EXPORT.match(first):
        message += " " + _(
            "このファイルは勉強会ノートの書き出しのようです。過去ノートの取り込みから読み込んでください。"
        )
    elif summaries.looks_like_code_only(lines):
        message += " " + _(
            "Markdown のコードブロックしか見つかりません。コードブロックの中の # で始まる行は"
            "タイトルとして扱いません。"
        )
    return message
