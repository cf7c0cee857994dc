"""What one notes file may ask of the board: the forms' field limits and a bound on people.

Checked before anything is written, so a hostile or mistaken file is refused with one line per
problem instead of holding the database's write lock while it renders (issue: 2 MB of `<`
took 950 s, 20,000 presenter blocks created 20,000 accounts).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from apps.core.markdown.limits import (
    DEEP_DIVE_BODY_MAX_CHARS,
    GUIDANCE_MAX_CHARS,
    REMARK_MAX_CHARS,
    TOPIC_NOTES_MAX_CHARS,
)

from .notes_format import ParsedMeeting, Problem

# A meeting has a dozen presenters and a few dozen people leaving remarks.
MAX_PRESENTERS_PER_FILE = 100
MAX_NEW_MEMBERS_PER_FILE = 100
# …about 30 topics and 150 remarks: rows one transaction writes stay few (110,000 remark lines
# held SQLite's write lock for minutes).
MAX_TOPICS_PER_FILE = 500
MAX_REMARKS_PER_FILE = 3_000
# More than this many over-long fields are one refusal: the file is not one meeting's notes.
MAX_PROBLEMS_LISTED = 20


def _too_long(what: str, text: str, limit: int, line: int | None) -> Problem | None:
    if len(text) <= limit:
        return None
    return Problem(
        line,
        _("%(what)sが%(length)s字あります。フォームと同じく%(limit)s字までです。")
        % {"what": what, "length": f"{len(text):,}", "limit": f"{limit:,}"},
    )


def _checks(parsed: ParsedMeeting) -> Iterator[Problem | None]:
    if len(parsed.presenters) > MAX_PRESENTERS_PER_FILE:
        yield Problem(
            None,
            _(
                "発表者のブロックが%(count)s個あります。1ファイルに%(limit)s人までです"
                "（1回分の勉強会のノートではないようです）。"
            )
            % {"count": f"{len(parsed.presenters):,}", "limit": MAX_PRESENTERS_PER_FILE},
        )
    topics = sum(len(presenter.topics) for presenter in parsed.presenters)
    if topics > MAX_TOPICS_PER_FILE:
        yield Problem(
            None,
            _("トピックが%(count)s件あります。1ファイルに%(limit)s件までです。")
            % {"count": f"{topics:,}", "limit": MAX_TOPICS_PER_FILE},
        )
    remarks = sum(len(t.remarks) for p in parsed.presenters for t in p.topics)
    remarks += len(parsed.deep_dive.remarks) if parsed.deep_dive else 0
    if remarks > MAX_REMARKS_PER_FILE:
        yield Problem(
            None,
            _("コメントが%(count)s件あります。1ファイルに%(limit)s件までです。")
            % {"count": f"{remarks:,}", "limit": f"{MAX_REMARKS_PER_FILE:,}"},
        )
    yield _too_long(_("案内"), parsed.guidance, GUIDANCE_MAX_CHARS, 1)
    for presenter in parsed.presenters:
        for topic in presenter.topics:
            label = _("「%(title)s」のメモ") % {"title": topic.title[:40]}
            yield _too_long(label, topic.notes, TOPIC_NOTES_MAX_CHARS, topic.line)
            for remark in topic.remarks:
                yield _too_long(_("コメント"), remark.body, REMARK_MAX_CHARS, remark.line)
    if parsed.deep_dive:
        deep_dive = parsed.deep_dive
        yield _too_long(
            _("メインTOPICの本文"), deep_dive.body, DEEP_DIVE_BODY_MAX_CHARS, deep_dive.line
        )
        for remark in deep_dive.remarks:
            yield _too_long(_("コメント"), remark.body, REMARK_MAX_CHARS, remark.line)


def over_limits(parsed: ParsedMeeting) -> list[Problem]:
    """The file's problems with the limits, at most MAX_PROBLEMS_LISTED of them."""
    problems: list[Problem] = []
    for problem in _checks(parsed):
        if problem is not None:
            problems.append(problem)
            if len(problems) == MAX_PROBLEMS_LISTED:
                break
    return problems


def markdown_sources(parsed: ParsedMeeting) -> list[tuple[str, bool]]:
    """Every Markdown text the import will render, as (source, with table of contents)."""
    sources = [(parsed.guidance, False)]
    for presenter in parsed.presenters:
        for topic in presenter.topics:
            sources.append((topic.notes, False))
            sources += [(remark.body, False) for remark in topic.remarks]
    if parsed.deep_dive:
        sources.append((parsed.deep_dive.body, True))
        sources += [(remark.body, False) for remark in parsed.deep_dive.remarks]
    return [(source, toc) for source, toc in sources if source]
