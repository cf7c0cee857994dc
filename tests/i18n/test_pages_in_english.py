"""Every page of the URLconf, read by an organizer who chose English, has no Japanese UI text.

The Japanese looked for is the catalog's own msgids (pieces between placeholders), so a
string left untranslated, or one written into a template without {% translate %} that also
appears marked elsewhere, shows up. Member content is kept ASCII here, so what is found is UI.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from apps.group.services import group_settings_update
from apps.meetings.forms import MeetingForm
from apps.meetings.models import Meeting
from tests import factories
from tests.i18n.catalog import CATALOG, parse

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|<[^>]+>|%[sd]")
# The switcher names each language in itself.
OWN_NAMES = {"日本語"}
SKIPPED = ("admin/", "i18n/", "healthz")
# The Markdown export is the notes format the importer reads back (`メインTOPIC`, `[論文]`).
DATA_FORMATS = (".md",)


def japanese_pieces() -> set[str]:
    pieces: set[str] = set()
    for entry in parse(CATALOG):
        for text in (entry.msgid, entry.plural or ""):
            for piece in PLACEHOLDER.split(text):
                piece = piece.strip()
                if len(piece) >= 2 and JAPANESE.search(piece) and piece not in OWN_NAMES:
                    pieces.add(piece)
    return pieces


def routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


@pytest.fixture
def english_organizer_client(client, organizer):
    organizer.language = "en"
    organizer.save()
    client.force_login(organizer)
    return client


def test_no_page_keeps_a_japanese_ui_string(
    english_organizer_client, organizer, settings, monkeypatch
):
    settings.GROUP_NAME = "ML Reading Group"
    # The meetings' guidance is the group's own text (a Japanese default until edited).
    monkeypatch.setattr(Meeting._meta.get_field("guidance"), "default", "Bring a paper.")
    monkeypatch.setattr(MeetingForm.base_fields["guidance"], "initial", "Bring a paper.")
    group_settings_update(name="ML Reading Group", guidance_template="Bring a paper.")
    meeting = factories.meeting(title="Weekly", guidance="Bring a paper.")
    topic = factories.topic(meeting=meeting, title="Attention", notes="- fast")
    remark = factories.remark(topic=topic, author=organizer, body="nice")
    deep_dive = factories.deep_dive(meeting=meeting, body="## 1. Intro\n\nText")
    values = {
        "date": meeting.date.isoformat(),
        "topic_id": topic.pk,
        "remark_id": remark.pk,
        "deep_dive_id": deep_dive.pk,
        "year": meeting.date.year,
        "month": meeting.date.month,
        "handle": organizer.handle,
        "kind": "paper",
        "code": "cs.CL",
    }
    pieces = japanese_pieces()
    found: dict[str, list[str]] = {}
    visited = 0
    for route in routes(get_resolver().url_patterns):
        if route.startswith(SKIPPED) or route.endswith(DATA_FORMATS):
            continue
        url = "/" + re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), 999999)), route
        )
        response = english_organizer_client.get(url)
        visited += 1
        kind = response.get("Content-Type", "")
        if not kind.startswith(("text/", "application/atom")) or response.streaming:
            continue
        page = html.unescape(response.content.decode("utf-8", "replace"))
        left = sorted(piece for piece in pieces if piece in page)
        if left:
            found[url] = left
    assert visited > 80
    assert found == {}, "\n".join(f"{url}: {left}" for url, left in found.items())
