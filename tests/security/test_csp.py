"""The Content-Security-Policy every page carries, and the templates it relies on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"
APP_TEMPLATES = Path(settings.BASE_DIR) / "apps"

REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "img-src": "'self' data:",
    "frame-src": "'none'",
}


def _policy(header: str) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_pages_carry_the_policy(member_client):
    for url in ("/", reverse("meetings:list"), reverse("papers:library"), reverse("login")):
        policy = _policy(member_client.get(url)["Content-Security-Policy"])
        for directive, value in REQUIRED.items():
            assert policy.get(directive) == value, (url, directive, policy)


@pytest.mark.parametrize("production", [False, True])
def test_the_policy_is_the_same_in_production_and_in_the_embedded_default(production, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    if production:
        env |= {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "board.example"}
    code = (
        "import django, json; django.setup(); from django.conf import settings;"
        "print(settings.PRODUCTION, json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flag, directives = out.split(" ", 1)
    assert flag == str(production)
    directives = json.loads(directives)
    for directive, value in REQUIRED.items():
        assert " ".join(directives[directive]) == value, directive


def _templates() -> list[Path]:
    return sorted([*TEMPLATES.rglob("*.html"), *APP_TEMPLATES.glob("*/templates/**/*.html")])


# What the policy would refuse in a page: script or style inline, handlers, javascript: URLs,
# htmx attributes that evaluate code.
_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
_FORBIDDEN = {
    "inline script": _INLINE_SCRIPT,
    "inline style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+=", re.I),
    "hx-on (eval)": re.compile(r"\shx-on[:-]", re.I),
    "js: values (eval)": re.compile(r"hx-(?:vals|headers)=['\"]\s*js:", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize(
    "template", _templates(), ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_no_template_needs_what_the_policy_refuses(template):
    text = template.read_text(encoding="utf-8")
    found = {name for name, pattern in _FORBIDDEN.items() if pattern.search(text)}
    assert not found, found


def test_htmx_may_not_evaluate_code_nor_leave_the_site(member_client):
    page = member_client.get("/").content.decode()
    (config,) = re.findall(r'<meta name="htmx-config" content=\'([^\']+)\'', page)
    options = json.loads(config)
    assert options["allowEval"] is False
    assert options["selfRequestsOnly"] is True
    assert options["includeIndicatorStyles"] is False


def test_stored_html_regions_are_hx_disabled(member_client):
    from tests import factories

    meeting = factories.meeting(guidance="案内 <b>x</b>")
    topic = factories.topic(
        meeting=meeting, notes='- <a hx-post="/logout/" hx-trigger="load">x</a>'
    )
    factories.remark(topic=topic, body="[fr] 速い")
    factories.deep_dive(meeting=meeting)

    page = member_client.get(meeting.get_absolute_url()).content.decode()

    for region in (
        'class="notes prose"',
        'class="remark-body"',
        'class="prose deep-dive-body"',
        'class="toc"',
    ):
        assert re.search(region + r"[^>]*\bhx-disable", page), region
    assert 'hx-post="/logout/"' not in page  # bleach drops the attribute as well
