"""The weekly digest: one week's papers, first as a numbered list, then one block per paper.

    最新論文ノート:【2024-01-01~ 2024-01-07】
    (introduction)
    紹介する論文は以下の10本となります.
      1. LLAMA PRO: Progressive LLaMA with Block Expansion
        発行日:2024年01月04日
        (a two-line summary)
    …
    LLAMA PRO: Progressive LLaMA with Block Expansion

    著者:Chengyue Wu, Jiahao Wang, …
    発行日:2024年01月04日
    最終更新日:不明
    URL:https://arxiv.org/pdf/2401.02415.pdf
    カテゴリ:Machine Learning, Artificial Intelligence, …
    概要:
    (the abstract, in Japanese)
    Q&A:
    Q: …
    A: …

A block's title is the line before its field lines; nothing else marks where the previous
block's last answer ends. The list and the blocks describe the same papers and are merged by
title; a digest may stop before every listed paper has its block (the members' sample lists ten
and details four), and those papers keep what the list says. Files may hold several weeks.
`不明` ("unknown") is how the digest writes a missing value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .entries import DIGEST, LibraryEntry, LibraryParse, QuestionAnswer
from .identity import entry_key, merge_duplicates
from .problems import ProblemLog
from .text import clean_title, parse_date, report_mojibake, shorten, split_lines, title_key
from .urls import find_urls

_HEADER = re.compile(
    r"\s*最新論文ノート\s*[:：]?\s*【\s*(\d{4}-\d{1,2}-\d{1,2})\s*[~〜～]\s*(\d{4}-\d{1,2}-\d{1,2})\s*】"
)
_ANNOUNCED = re.compile(r"以下の\s*(\d+)\s*本")
_LIST_ITEM = re.compile(r"(\s*)(\d{1,4})\.\s+(\S.*)")
_FIELD = re.compile(r"(著者|発行日|最終更新日|URL|カテゴリ|概要|Q&A)\s*[:：]\s*(.*)")
_BLOCK_ANCHORS = ("著者", "発行日")
_UNKNOWN = "不明"


def parse(text: str) -> LibraryParse:
    lines = split_lines(text)
    log = ProblemLog()
    report_mojibake(lines, log)
    weeks = _weeks(lines, log)
    entries: list[LibraryEntry] = []
    for week in weeks:
        entries.extend(_week_entries(week, lines, log))
    periods = [(w.start, w.end) for w in weeks if w.start and w.end]
    period = (min(p[0] for p in periods), max(p[1] for p in periods)) if periods else None
    if not entries:
        log.error(None, _("ダイジェストに論文が見つかりません。"))
    return LibraryParse(
        format=DIGEST,
        entries=merge_duplicates(entries, log),
        problems=log.result(),
        period=period,
    )


def looks_like(text: str) -> int:
    """Week headers weigh most; otherwise paper blocks (著者: with 概要: or Q&A:)."""
    headers = authors = bodies = 0
    for line in split_lines(text):
        if _HEADER.match(line):
            headers += 1
        elif line.startswith(("著者:", "著者：")):
            authors += 1
        elif line.startswith(("概要:", "概要：", "Q&A:", "Q&A：")):
            bodies += 1
    return 10 * headers + (authors if bodies else 0)


@dataclass
class _Week:
    line: int  # of the header; 1 when the file has none
    start: dt.date | None
    end: dt.date | None
    first: int  # index of the first line after the header
    stop: int  # index after the week's last line


@dataclass
class _Listed:
    line: int
    title: str
    published: dt.date | None = None
    summary: list[str] = field(default_factory=list)


def _weeks(lines: list[str], log: ProblemLog) -> list[_Week]:
    weeks: list[_Week] = []
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if match is None:
            continue
        start, end = parse_date(match.group(1)), parse_date(match.group(2))
        if start is None or end is None or end < start:
            log.warning(
                index + 1,
                _("期間【%(start)s~%(end)s】が読めません。"),
                start=match.group(1),
                end=match.group(2),
            )
            start = end = None
        if weeks:
            weeks[-1].stop = index
        weeks.append(_Week(index + 1, start, end, index + 1, len(lines)))
    if not weeks:
        log.warning(1, _("期間の行（最新論文ノート:【開始~終了】）がありません。"))
        return [_Week(1, None, None, 0, len(lines))]
    for index in range(weeks[0].line - 1):
        if lines[index].strip():
            log.warning(
                index + 1,
                _("期間の行より前の行は読み飛ばしました: %(text)s"),
                text=shorten(lines[index].strip()),
            )
    return weeks


def _week_entries(week: _Week, lines: list[str], log: ProblemLog) -> list[LibraryEntry]:
    listed, announced, details_at = _read_list(week, lines)
    # Without a list, what precedes the first paper is the week's introduction, not stray text.
    blocks = _read_blocks(week, lines, details_at, log, warn_stray=bool(listed))
    if announced is not None and listed and announced != len(listed):
        log.warning(
            week.line,
            _("「以下の%(announced)d本」とありますが、一覧には %(count)d 本あります。"),
            announced=announced,
            count=len(listed),
        )
    by_title = {title_key(entry.title): entry for entry in blocks}
    entries: list[LibraryEntry] = []
    for item in listed:
        title = clean_title(item.title, item.line, log)
        entry = by_title.pop(title_key(title), None)
        summary = " ".join(part.strip() for part in item.summary if part.strip())
        if entry is None:
            entry = LibraryEntry(title=title, line=item.line, key=entry_key(title, []))
            entry.published = item.published
            log.info(
                item.line,
                _(
                    "「%(title)s」は一覧にだけあり、詳しい記事がありません（一覧の内容だけ取り込みます）。"
                ),
                title=shorten(title),
            )
        else:
            entry.line = item.line
            entry.published = entry.published or item.published
        entry.summary = summary
        entries.append(entry)
    entries.extend(by_title.values())  # blocks of papers the list does not name
    for entry in entries:
        entry.noted_on = week.end
    return entries


def _read_list(week: _Week, lines: list[str]) -> tuple[list[_Listed], int | None, int]:
    """(listed papers, the announced count, index of the first line after the list)."""
    listed: list[_Listed] = []
    announced = None
    index = week.first
    while index < week.stop:
        line = lines[index]
        item = _LIST_ITEM.fullmatch(line)
        if item and (listed or announced is not None or item.group(2) == "1"):
            listed.append(_Listed(index + 1, item.group(3).strip()))
        elif listed and line.strip() and line[:1].isspace():
            field_match = _FIELD.fullmatch(line.strip())
            if field_match and field_match.group(1) == "発行日":
                listed[-1].published = parse_date(field_match.group(2))
            else:
                listed[-1].summary.append(line)
        elif listed and line.strip():
            break  # the first unindented line after the list: the first paper's title
        elif not listed and announced is None:
            found = _ANNOUNCED.search(line)
            announced = int(found.group(1)) if found else None
        index += 1
    if not listed:
        return [], announced, week.first
    return listed, announced, index


def _read_blocks(
    week: _Week, lines: list[str], first: int, log: ProblemLog, *, warn_stray: bool
) -> list[LibraryEntry]:
    # A block starts at the title line before its first field line; find those anchors first.
    anchors: list[int] = []
    previous_field = False
    last_text = -1
    for index in range(first, week.stop):
        line = lines[index]
        if not line.strip():
            continue
        field_match = _FIELD.fullmatch(line.strip())
        is_field = field_match is not None and field_match.group(1) in (
            "著者",
            "発行日",
            "最終更新日",
            "URL",
            "カテゴリ",
        )
        # `is_field` already implies a match; the explicit test tells the type checker so.
        if (
            is_field
            and field_match is not None
            and not previous_field
            and field_match.group(1) in _BLOCK_ANCHORS
        ):
            if last_text >= first and (not anchors or last_text > anchors[-1]):
                anchors.append(last_text)
            else:
                log.error(index + 1, _("論文のタイトルがない記事です。この記事は取り込みません。"))
        previous_field = is_field
        if not is_field:
            last_text = index
    if warn_stray and first < week.stop and (not anchors or anchors[0] > first):
        stray_end = anchors[0] if anchors else week.stop
        for index in range(first, stray_end):
            if lines[index].strip():
                log.warning(
                    index + 1,
                    _("どの論文にも属さない行は読み飛ばしました: %(text)s"),
                    text=shorten(lines[index].strip()),
                )
    blocks = []
    for begin, end in zip(anchors, [*anchors[1:], week.stop][: len(anchors)], strict=True):
        entry = _block(lines, begin, end, log)
        if entry is not None:
            blocks.append(entry)
    return blocks


def _block(lines: list[str], begin: int, end: int, log: ProblemLog) -> LibraryEntry | None:
    title = clean_title(lines[begin], begin + 1, log)
    entry = LibraryEntry(title=title, line=begin + 1, key="")
    abstract: list[str] = []
    qa: list[list[list[str]]] = []  # [question lines, answer lines]
    qa_lines: list[int] = []
    part = "fields"  # then "abstract", then "qa"
    for index in range(begin + 1, end):
        raw = lines[index]
        line = raw.strip()
        field_match = _FIELD.fullmatch(line) if part == "fields" or line.startswith("Q&A") else None
        if field_match:
            name, value = field_match.group(1), field_match.group(2).strip()
            if name == "概要":
                part = "abstract"
                abstract.append(value)
            elif name == "Q&A":
                part = "qa"
            else:
                _field(entry, name, value, index + 1, log)
        elif part == "abstract":
            abstract.append(raw)
        elif part == "qa":
            _qa_line(qa, qa_lines, line, index + 1, log)
        elif line:
            log.warning(
                index + 1,
                _("論文の項目として読めない行は読み飛ばしました: %(text)s"),
                text=shorten(line),
            )
    # Digests repeat themselves ("Systems and Control, Systems and Control").
    entry.urls = list(dict.fromkeys(entry.urls))
    entry.categories = list(dict.fromkeys(entry.categories))
    entry.abstract = "\n".join(abstract).strip()
    for (question, answer), qa_line in zip(qa, qa_lines, strict=True):
        question_text, answer_text = "\n".join(question).strip(), "\n".join(answer).strip()
        if not answer_text:
            log.warning(
                qa_line, _("答え（A:）のない質問です: %(text)s"), text=shorten(question_text)
            )
        entry.qa.append(QuestionAnswer(question_text, answer_text))
    entry.key = entry_key(entry.title, entry.urls)
    return entry


def _field(entry: LibraryEntry, name: str, value: str, line: int, log: ProblemLog) -> None:
    if value == _UNKNOWN or not value:
        return
    if name == "著者":
        entry.authors = [author.strip() for author in value.split(",") if author.strip()]
    elif name in ("発行日", "最終更新日"):
        date = parse_date(value)
        if date is None:
            log.warning(line, _("日付 %(date)s が読めません。"), date=shorten(value))
        elif name == "発行日":
            entry.published = date
        else:
            entry.updated = date
    elif name == "URL":
        urls = find_urls(value)
        if not urls:
            log.warning(line, _("URL が読めません: %(text)s"), text=shorten(value))
        entry.urls.extend(urls)
    elif name == "カテゴリ":
        entry.categories.extend(c.strip() for c in value.split(",") if c.strip())


def _qa_line(
    qa: list[list[list[str]]], qa_lines: list[int], line: str, number: int, log: ProblemLog
) -> None:
    if line[:2] in ("Q:", "Q："):
        qa.append([[line[2:].strip()], []])
        qa_lines.append(number)
    elif line[:2] in ("A:", "A："):
        if not qa or qa[-1][1]:
            log.warning(
                number,
                _("質問（Q:）のない答えは読み飛ばしました: %(text)s"),
                text=shorten(line[2:].strip()),
            )
            return
        qa[-1][1].append(line[2:].strip())
    elif line and qa:
        (qa[-1][1] or qa[-1][0]).append(line)
    elif line:
        log.warning(
            number, _("Q&A として読めない行は読み飛ばしました: %(text)s"), text=shorten(line)
        )
