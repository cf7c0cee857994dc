"""Helpers for the archive tests: fixtures written for this project, and the real sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.archive.importer import FileReport, import_notes

# The browsing pages are tested on the same archive corpus as search.
from tests.search.conftest import corpus  # noqa: F401

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# In CI the shared folder sits beside the repository clone.
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
SAMPLE = SAMPLES / "notes-export-2025-03-28.txt"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing `needle`: tests name lines, not numbers."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def import_text(text: str, *, name: str = "notes.txt", dry_run: bool = False) -> FileReport:
    return import_notes(data=text.encode("utf-8"), name=name, dry_run=dry_run)


@pytest.fixture
def sample_text() -> str:
    if not SAMPLE.exists():
        pytest.skip(f"the real export is not here: {SAMPLE} (../shared/samples beside the clone)")
    return SAMPLE.read_text(encoding="utf-8")
