"""The benchmark's synthetic collections are files the parsers read as the members' own."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from apps.papers.library_formats import (
    DIGEST,
    MAX_BYTES,
    SUMMARIES,
    TAGGED_NOTES,
    detect_format,
    parse_library,
)
from apps.papers.library_formats.text import title_key

BENCH = Path(__file__).resolve().parents[2] / "bench" / "library_data.py"
FORMAT_OF = {"paper-notes": TAGGED_NOTES, "paper-summaries": SUMMARIES, "weekly-digest": DIGEST}


def _generator():
    spec = importlib.util.spec_from_file_location("library_data", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_collections_parse_without_errors_and_share_papers():
    library_data = _generator()
    files = library_data.generate(papers=300, notes=1200, seed=5)
    assert files == library_data.generate(papers=300, notes=1200, seed=5)
    assert {name.rsplit("-", 1)[0] for name in files} == set(FORMAT_OF)

    titles_by_format: dict[str, set[str]] = {}
    arxiv = 0
    summaries_seen = 0
    for name, text in files.items():
        assert len(text.encode()) < MAX_BYTES
        expected = FORMAT_OF[name.rsplit("-", 1)[0]]
        assert detect_format(text, name=name) == expected
        parsed = parse_library(text, name=name)
        assert parsed.errors == [], name
        titles_by_format.setdefault(expected, set()).update(
            title_key(e.title) for e in parsed.entries
        )
        if expected == SUMMARIES:
            summaries_seen += len(parsed.entries)
            arxiv += sum(e.key.startswith("arxiv:") for e in parsed.entries)
    # Popular papers turn up in every format.
    shared = titles_by_format[TAGGED_NOTES] & titles_by_format[SUMMARIES] & titles_by_format[DIGEST]
    assert len(shared) >= 10
    assert len(set().union(*titles_by_format.values())) <= 300
    assert 0.3 < arxiv / summaries_seen < 0.7


def test_large_collections_are_split_into_files_under_the_upload_limit():
    files = _generator().generate(papers=2000, notes=12000, seed=2)
    notes = [name for name in files if name.startswith("paper-notes-")]
    assert len(notes) >= 2
    assert all(len(text.encode()) < MAX_BYTES for text in files.values())
    # Files are cut between notes: each one starts with a note's tags, never mid-note.
    assert all(files[name].startswith("#") for name in notes)
