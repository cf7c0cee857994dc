"""Uploaded text files → text: size cap, byte-order marks, UTF-8, then Japanese legacy encodings.

Shared by every importer (old notes, paper-note collections) so that a file is read the same
way whatever it is about; each importer states its own size limit.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from pathlib import Path

from django.utils.translation import gettext as _

# (byte-order mark, codec that consumes it, label for reports)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Japanese encodings tried after UTF-8: cp932 is Windows' Shift_JIS (a superset of it).
_LEGACY_ENCODINGS = (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP"))

# Containers and compressed streams by their first bytes: refused without being opened, so a
# zip or gzip bomb costs a comparison of a few bytes.
_PACKED: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh91AY&SY", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
_ARCHIVES = {kind for _magic, kind in _PACKED}
_PACKED += (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "Office"),
)

# Control characters other than whitespace: a few are noise, many mean a binary file.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


class TextFileError(Exception):
    """The file cannot be read as text at all; the message is for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _japanese_score(text: str) -> int:
    # Real Japanese is full of kana; Japanese bytes read in the wrong legacy encoding come out
    # as half-width katakana and symbols instead.
    kana = sum(1 for c in text if "\u3040" <= c <= "\u30ff")
    halfwidth = sum(1 for c in text if "\uff61" <= c <= "\uff9f")
    return kana - 2 * halfwidth


def decode_text_file(
    data: bytes, *, max_bytes: int, size: int | None = None, what: str = ""
) -> tuple[str, str]:
    """(text, encoding label). Refuses files over `max_bytes`, binary files and empty ones.

    `size` is the file's real size when only the first `max_bytes + 1` bytes were read;
    `what` names the kind of file in the size message ("1回分のノート").
    """
    size = max(size or 0, len(data))
    if size > max_bytes:
        limit = f"{max_bytes / 1024 / 1024:g}"
        raise TextFileError(
            _("ファイルが大きすぎます（%(size)s MB）。%(what)s %(limit)s MB までです。")
            % {"size": f"{size / 1024 / 1024:.1f}", "what": what, "limit": limit}
        )
    for magic, kind in _PACKED:
        if data.startswith(magic):
            message = _("テキストファイルではありません（%(kind)s のバイナリファイルです）。")
            if kind in _ARCHIVES:
                message += _("圧縮ファイルは展開して、中のテキストファイルを選んでください。")
            raise TextFileError(message % {"kind": kind})
    text, label = None, ""
    for bom, encoding, bom_label in BOMS:
        if data.startswith(bom):
            with contextlib.suppress(UnicodeDecodeError):
                text, label = data.decode(encoding), bom_label
            break
    if text is None:
        if b"\x00" in data:
            raise TextFileError(_("テキストファイルではありません（バイナリファイルです）。"))
        try:
            text, label = data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            candidates = []
            for encoding, legacy_label in _LEGACY_ENCODINGS:
                try:
                    candidates.append((data.decode(encoding), legacy_label))
                except UnicodeDecodeError:
                    continue
            if not candidates:
                raise TextFileError(
                    _("文字コードを判別できません。UTF-8 で保存し直してください。")
                ) from None
            text, label = max(candidates, key=lambda c: _japanese_score(c[0]))
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise TextFileError(_("ファイルが空です。"))
    if len(_CONTROL_RE.findall(text)) > max(2, len(text) // 200):
        raise TextFileError(_("テキストファイルではありません（制御文字が多すぎます）。"))
    return text, label


def files_in(paths: list[Path], *, suffixes: set[str]) -> list[Path]:
    """The files named, and those of each folder named (in name order) with one of `suffixes`;
    raises FileNotFoundError for a path that is neither."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes)
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return files
