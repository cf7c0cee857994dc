"""The editor's preview renders with the same caps as a save (the attack: 150 kB of `- - … x`
took 6.6 s and logged a 10,000-line RecursionError traceback)."""

from __future__ import annotations

import logging
import time

from django.urls import reverse

from apps.core.markdown.limits import MARKDOWN_MAX_CHARS, MAX_LINE_CONTAINERS

from .test_markdown import parse


def preview(client, text: str, query: str = ""):
    return client.post(reverse("markdown-preview") + "?field=notes" + query, {"notes": text})


def test_preview_of_one_line_of_nested_bullets_is_fast_and_logs_nothing(member_client, caplog):
    source = "- " * 75_000 + "x"  # 150 kB
    start = time.perf_counter()
    with caplog.at_level(logging.WARNING):
        response = preview(member_client, source)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    assert elapsed < 5, f"took {elapsed:.1f}s"
    assert not [r for r in caplog.records if r.exc_info or "Recursion" in r.getMessage()]
    html = response.content.decode()
    assert html.count("<ul>") <= MAX_LINE_CONTAINERS
    # Longer than any field: the preview says so and shows what a save could keep.
    assert "保存できるのは" in html
    assert len(parse(html).text) < MARKDOWN_MAX_CHARS


def test_preview_states_the_fields_limit_and_renders_only_that_much(member_client):
    text = "a" * 60 + "TAIL"
    html = preview(member_client, text, "&max=60").content.decode()
    assert "64字あります" in html
    assert "60字まで" in html
    assert "TAIL" not in html


def test_preview_within_the_limit_has_no_note(member_client):
    html = preview(member_client, "**太字**", "&max=50000").content.decode()
    assert "保存できるのは" not in html
    assert "<strong>太字</strong>" in html


def test_a_bogus_limit_falls_back_to_the_longest_field(member_client):
    text = "b" * (MARKDOWN_MAX_CHARS + 10)
    for query in ("&max=-1", "&max=99999999999999999999", "&max=abc", "&max=０"):
        html = preview(member_client, text, query).content.decode()
        assert "保存できるのは" in html
        assert html.count("b") >= MARKDOWN_MAX_CHARS


def test_editor_asks_for_its_fields_limit(member_client, settings):
    from django.template.loader import render_to_string

    from apps.topics.forms import NOTES_MAX_CHARS, TopicForm

    html = render_to_string("partials/markdown_editor.html", {"field": TopicForm()["notes"]})
    assert f"max={NOTES_MAX_CHARS}" in html
