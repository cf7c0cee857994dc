"""Search index entries built from the board: pure (objects in, rows of field values out).

Each topic, remark and deep-dive section becomes one row; link metadata (paper titles,
authors, abstracts, repository descriptions) is part of the text that cites the link.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

from django.conf import settings

from apps.accounts.models import User
from apps.core.markdown import render_markdown
from apps.core.tokenizer import field_token_list, lookup_tokens
from apps.deepdives.models import DeepDive
from apps.links.canonical import canonicalize
from apps.links.models import Link
from apps.meetings.models import Meeting
from apps.papers.models import LibraryNote
from apps.topics.models import Remark, Topic

from .models import SearchEntry
from .urlkeys import url_key

logger = logging.getLogger(__name__)


DEEP_DIVE_ANCHOR = "deep-dive"

# One index entry as field values (SearchEntry(**row)); the rebuild inserts them without
# building model instances.
Row = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Link metadata: one more text source, filled in once apps.links has its Link model.
# --------------------------------------------------------------------------------------------


# During a rebuild, every fetched link's text at once (canonical URL → text), not one query
# per topic.
preloaded_link_texts: ContextVar[dict[str, str] | None] = ContextVar("link_texts", default=None)


def _link_metadata_text(link) -> str:
    extra = link.extra or {}
    parts = [
        link.title,
        " ".join(link.authors or []),
        link.site_name,
        link.description,
        extra.get("full_name", ""),
        extra.get("language", ""),
        " ".join(extra.get("topics", []) or []),
        " ".join(extra.get("categories", []) or []),
        " ".join((extra.get("category_names") or {}).values()),
    ]
    return " ".join(p for p in parts if p)


def preload_link_texts(canonical_urls: set[str] | None = None) -> dict[str, str]:
    """Fetched links' texts by canonical URL: all of them (a rebuild) or only these."""
    links = Link.objects.filter(status=Link.Status.OK)
    if canonical_urls is not None:
        links = links.filter(canonical_url__in=canonical_urls)
    return {link.canonical_url: _link_metadata_text(link) for link in links}


def link_text(url: str) -> str:
    """The URL and its fetched metadata (paper title, authors, abstract, site name, repository
    description, categories) as plain text, indexed in the "link metadata" field class."""
    if not url:
        return ""
    try:
        canonical = canonicalize(url).canonical_url
    except ValueError:
        return url
    preloaded = preloaded_link_texts.get()
    if preloaded is not None:
        return f"{url} {preloaded.get(canonical, '')}".strip()
    link = Link.objects.filter(canonical_url=canonical, status=Link.Status.OK).first()
    return f"{url} {_link_metadata_text(link)}".strip() if link else url


# --------------------------------------------------------------------------------------------
# Building entries (pure: objects in, rows of field values out).
# --------------------------------------------------------------------------------------------


def _meeting_text(meeting: Meeting) -> str:
    # The default title (the group's name) is on every meeting: indexing it would make `勉強会`
    # or `学習` match the whole archive.
    if meeting.title and meeting.title != settings.GROUP_NAME:
        return f"{meeting.date.isoformat()}\n{meeting.title}"
    return meeting.date.isoformat()


def _entry(
    *,
    source: str,
    meeting: Meeting,
    presenter: User,
    kind: str,
    anchor: str,
    title: str = "",
    links: str = "",
    body: str = "",
    context: str = "",
    url: str = "",
    position: int = 0,
    topic_id: int | None = None,
    remark_id: int | None = None,
    deep_dive_id: int | None = None,
) -> Row:
    meta = f"{presenter.display_name}\n{presenter.handle}\n{_meeting_text(meeting)}"
    fields = [field_token_list(text) for text in (title, links, body, meta)]  # tokenized once
    return {
        "source": source,
        "meeting_id": meeting.pk,
        "presenter_id": presenter.pk,
        "kind": kind,
        "meeting_date": meeting.date,
        "year": meeting.date.year,
        "anchor": anchor[:300],
        "context": context[:300],
        "position": position,
        "url": url[:2000],
        "url_key": url_key(url),
        "title": title,
        "links": links,
        "body": body,
        "meta": meta,
        "title_tokens": " ".join(fields[0]),
        "links_tokens": " ".join(fields[1]),
        "body_tokens": " ".join(fields[2]),
        "meta_tokens": " ".join(fields[3]),
        "chars": lookup_tokens(fields),
        "topic_id": topic_id,
        "remark_id": remark_id,
        "deep_dive_id": deep_dive_id,
        "library_note_id": None,
        "paper_id": None,
    }


def topic_entry(topic: Topic | SimpleNamespace, *, meeting: Meeting, presenter: User) -> Row:
    return _entry(
        source=SearchEntry.Source.TOPIC,
        meeting=meeting,
        presenter=presenter,
        kind=topic.kind,
        anchor=f"topic-{topic.pk}",
        title=topic.title,
        links=link_text(topic.url),
        body=topic.notes,
        url=topic.url,
        topic_id=topic.pk,
    )


def remark_entry(
    remark: Remark | SimpleNamespace, *, meeting: Meeting, kind: str, context: str, author: User
) -> Row:
    return _entry(
        source=SearchEntry.Source.REMARK,
        meeting=meeting,
        presenter=author,
        kind=kind,
        anchor=f"remark-{remark.pk}",
        body=remark.body,
        context=context,
        topic_id=remark.topic_id,
        remark_id=remark.pk,
        deep_dive_id=remark.deep_dive_id,
    )


@dataclass(frozen=True)
class Section:
    anchor: str
    heading: str
    text: str


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset(
    {
        "p",
        "br",
        "hr",
        "li",
        "ul",
        "ol",
        "pre",
        "blockquote",
        "table",
        "tr",
        "div",
        "details",
        "summary",
    }
)


class _SectionParser(HTMLParser):
    """Splits the stored, sanitized deep-dive HTML at its headings, keeping their ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[str, list[str], list[str]]] = [(DEEP_DIVE_ANCHOR, [], [])]
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HEADINGS:
            # A heading without an id (cannot happen with our renderer) stays in the section
            # above, so the hit still lands somewhere that exists.
            anchor = dict(attrs).get("id") or self.sections[-1][0]
            self.sections.append((anchor, [], []))
            self.in_heading = True
        elif tag in _BLOCKS:
            self.sections[-1][2].append("\n")
        elif tag in {"td", "th"}:
            self.sections[-1][2].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADINGS:
            self.in_heading = False
        elif tag in _BLOCKS:
            self.sections[-1][2].append("\n")

    def handle_data(self, data: str) -> None:
        _anchor, heading, body = self.sections[-1]
        (heading if self.in_heading else body).append(data)


def _clean(text: str) -> str:
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def deep_dive_sections(body_html: str) -> list[Section]:
    """The deep dive's text before its first heading, then one section per heading."""
    parser = _SectionParser()
    parser.feed(body_html or "")
    parser.close()
    return [
        Section(anchor, _clean("".join(heading)), _clean("".join(text)))
        for anchor, heading, text in parser.sections
    ]


def deep_dive_entries(deep_dive: DeepDive, *, meeting: Meeting, presenter: User) -> list[Row]:
    body_html = deep_dive.body_html
    if not body_html and deep_dive.body:
        body_html = render_markdown(deep_dive.body, with_toc=True).html
    entries = []
    for position, section in enumerate(deep_dive_sections(body_html)):
        intro = position == 0
        entries.append(
            _entry(
                source=SearchEntry.Source.DEEP_DIVE,
                meeting=meeting,
                presenter=presenter,
                kind=Topic.Kind.PAPER,
                anchor=section.anchor,
                title=deep_dive.title if intro else section.heading,
                links=link_text(deep_dive.paper_url) if intro else "",
                body=section.text,
                context="" if intro else deep_dive.title,
                url=deep_dive.paper_url if intro else "",
                position=position,
                deep_dive_id=deep_dive.pk,
            )
        )
    return entries


def _plain(html: str) -> str:
    """Stored HTML as text, headings and all: a note is one entry, not one per section."""
    parser = _SectionParser()
    parser.feed(html or "")
    parser.close()
    return _clean(
        "\n".join("".join(heading) + "\n" + "".join(body) for _a, heading, body in parser.sections)
    )


def library_note_entry(note: LibraryNote, *, tags: list[str]) -> Row:
    """A member's note on a paper: found by the paper's title, authors, abstract and tags too."""
    paper = note.paper
    author = note.author
    day = note.noted_on or note.created_at.date()
    qa = "\n".join(f"{pair.get('question', '')}\n{pair.get('answer', '')}" for pair in note.qa)
    body = f"{_plain(note.body_html)}\n{qa}".strip()
    links = " ".join(
        part for part in (" ".join(paper.authors or []), paper.abstract, paper.venue) if part
    )
    meta = f"{author.display_name}\n{author.handle}\n{' '.join('#' + t for t in tags)}"
    fields = [field_token_list(text) for text in (paper.title, links, body, meta)]
    return {
        "source": SearchEntry.Source.LIBRARY,
        "meeting_id": None,
        "presenter_id": author.pk,
        "kind": "paper",
        "meeting_date": day,
        "year": day.year,
        "anchor": f"note-{note.pk}",
        "context": "",
        "position": 0,
        "url": "",
        "url_key": "",
        "title": paper.title or paper.key,
        "links": links,
        "body": body,
        "meta": meta,
        "title_tokens": " ".join(fields[0]),
        "links_tokens": " ".join(fields[1]),
        "body_tokens": " ".join(fields[2]),
        "meta_tokens": " ".join(fields[3]),
        "chars": lookup_tokens(fields),
        "topic_id": None,
        "remark_id": None,
        "deep_dive_id": None,
        "library_note_id": note.pk,
        "paper_id": paper.pk,
    }
