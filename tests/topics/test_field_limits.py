"""Every Markdown field has a size limit, the form states it and refuses more."""

from __future__ import annotations

import pytest

from apps.core.markdown import limits


def forms():
    from apps.deepdives.forms import DeepDiveForm
    from apps.papers.forms import LibraryNoteForm
    from apps.topics.forms import RemarkForm, TopicForm

    return [
        (TopicForm, "notes", limits.TOPIC_NOTES_MAX_CHARS, {"kind": "blog", "title": "t"}),
        (DeepDiveForm, "body", limits.DEEP_DIVE_BODY_MAX_CHARS, {"title": "t"}),
        (LibraryNoteForm, "summary", limits.LIBRARY_NOTE_MAX_CHARS, {}),
        (RemarkForm, "body", limits.REMARK_MAX_CHARS, {}),
    ]


@pytest.mark.parametrize("index", range(4))
def test_a_field_takes_its_limit_and_refuses_one_character_more(db, index):
    form_class, name, limit, other = forms()[index]
    at_limit = form_class(data={**other, name: "あ" * limit})
    over = form_class(data={**other, name: "あ" * (limit + 1)})
    assert name not in at_limit.errors
    assert name in over.errors
    assert f"{limit:,}" in " ".join(over.errors[name]) or str(limit) in " ".join(over.errors[name])
    assert form_class.base_fields[name].max_length == limit  # the browser's maxlength too


@pytest.mark.parametrize("index", range(3))
def test_the_markdown_fields_state_their_limit(index):
    form_class, name, limit, _other = forms()[index]
    assert f"{limit:,}字まで" in str(form_class.base_fields[name].help_text)
