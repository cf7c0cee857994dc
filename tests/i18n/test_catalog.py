"""The English catalog is complete and current.

Fails when a marked string has no English text, when a translation is a fuzzy guess, when a
string in the code is missing from the catalog (or the catalog keeps one the code dropped),
and when the committed .mo is not the compiled .po. The fix is one command, then translating
the empty msgstr entries it leaves: `uv run manage.py makemessages -l en` (and
`uv run manage.py compilemessages -l en --ignore=.venv`).
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.i18n.catalog import CATALOG, REFRESH, ROOT, parse

SOURCES = ["apps", "config", "templates", "static", "locale", "manage.py"]

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgfmt") is None,
    reason="gettext is not installed (apt-get install gettext)",
)


def test_every_string_has_an_english_text():
    missing = [e.msgid for e in parse(CATALOG) if e.fuzzy or not all(e.msgstr)]
    assert not missing, f"untranslated or fuzzy in {CATALOG.name}: {missing}"


def test_the_catalog_holds_exactly_the_strings_in_the_code(tmp_path: Path):
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in parse(tmp_path / "locale/en/LC_MESSAGES/django.po")}
    committed = {e.msgid for e in parse(CATALOG)}
    assert fresh - committed == set(), f"new strings not in the catalog; run: {REFRESH}"
    assert committed - fresh == set(), f"strings the code no longer has; run: {REFRESH}"


def test_the_compiled_catalog_is_the_catalog(tmp_path: Path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(CATALOG)], check=True)
    with compiled.open("rb") as fresh, CATALOG.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(fresh)._catalog == (
            gettext.GNUTranslations(committed)._catalog
        ), "django.mo is stale; run: uv run manage.py compilemessages -l en --ignore=.venv"
