"""The URL corpus (corpora/url_schemes.txt) as Python strings."""

from __future__ import annotations

from pathlib import Path

CORPORA = Path(__file__).parent / "corpora"
_ESCAPES = {"\\t": "\t", "\\n": "\n", "\\r": "\r", "\\x01": "\x01", "\\x00": "\x00"}


def corpus(name: str) -> list[str]:
    """The non-comment lines of a corpus file, escapes decoded, in file order."""
    vectors = []
    for line in (CORPORA / name).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        for escape, char in _ESCAPES.items():
            line = line.replace(escape, char)
        vectors.append(line)
    return vectors


BAD_URLS = corpus("url_schemes.txt")
