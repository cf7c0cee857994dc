"""Finding markup that would run in a rendered page, with a real HTML parser.

A vector has *reached* the page when the page holds something active that a page filled with
harmless text does not: a script element that is not one of our static files, an event
handler or style attribute, a link or source with a scheme other than http(s)/mailto, an
element that loads or submits elsewhere, or an htmx attribute outside an `hx-disable` region
that the harmless page does not have. Each finding names the nearest ancestor with an id, so
that a finding on a board of many vectors says which one it was.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

CORPORA = Path(__file__).parent / "corpora"

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "cite", "longdesc", "dynsrc", "lowsrc", "ping", "manifest", "codebase",
}  # fmt: skip
LOADING_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_DIGITS = re.compile(r"\d+")


def xss_vectors() -> list[str]:
    # Split on newlines only: a vector may hold U+2028 and other line separators.
    lines = (CORPORA / "xss.jsonl").read_text(encoding="utf-8").split("\n")
    return [json.loads(line) for line in lines if line.strip()]


@dataclass(frozen=True)
class Finding:
    where: str  # the id of the nearest ancestor that has one
    what: str


def _scheme(value: str) -> str | None:
    match = _SCHEME.match(_NOISE.sub("", html.unescape(html.unescape(value))))
    return match.group(1).lower() if match else None


def htmx_attributes(page: str) -> set[tuple[str, str]]:
    """The htmx attributes active in a page (outside hx-disable), digits made 0."""
    return {(name, value) for name, value, _where in _Scanner.run(page).htmx}


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []  # tag, id, disabled
        self.findings: list[Finding] = []
        self.htmx: list[tuple[str, str, str]] = []
        self.in_script = False

    @classmethod
    def run(cls, page: str) -> _Scanner:
        scanner = cls()
        scanner.feed(page)
        scanner.close()
        return scanner

    def _where(self) -> str:
        return next((i for _t, i, _d in reversed(self.stack) if i), "")

    def _disabled(self) -> bool:
        return any(d for _t, _i, d in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        disabled = self._disabled() or "hx-disable" in values or "data-hx-disable" in values
        where = values.get("id") or self._where()
        found = []
        if tag == "script":
            src = values.get("src", "")
            kind = values.get("type", "")
            if not (
                src.startswith("/static/") or kind in ("application/json", "application/ld+json")
            ):
                found.append(f"<script {values}>")
        if tag in LOADING_ELEMENTS:
            found.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in values:
            found.append("<meta http-equiv>")
        if tag == "form" and _scheme(values.get("action", "")) not in (None, "http", "https"):
            found.append("<form action>")
        for name, value in values.items():
            if name.startswith("on"):
                found.append(f"{name}= on <{tag}>")
            elif name == "style":
                found.append(f"style= on <{tag}>")
            elif name in URL_ATTRIBUTES and _scheme(value) not in (None, "http", "https", "mailto"):
                found.append(f"{name}={value!r} on <{tag}>")
            elif (
                name.startswith(("hx-", "data-hx-")) and name not in ("hx-disable",)
            ) and not disabled:
                self.htmx.append((name, _DIGITS.sub("0", value), where))
        self.findings += [Finding(where, what) for what in found]
        if tag not in VOID:
            self.stack.append((tag, values.get("id"), disabled))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return


_REQUESTS = {"hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"}


def _htmx_finding(name: str, value: str, baseline: set[tuple[str, str]]) -> str | None:
    bare = name.removeprefix("data-")
    if bare.startswith("hx-on") or (bare in ("hx-vals", "hx-headers") and "js:" in value):
        return "evaluates code"
    if bare == "hx-trigger" and "[" in value:
        return "trigger filter evaluates code"
    # The page's own links carry the content in their query (search facets): the path counts.
    if bare in _REQUESTS and (bare, value.split("?")[0]) not in baseline:
        return "requests a URL the page does not"
    if bare not in {n for n, _v in baseline}:
        return "an htmx attribute the page does not use"
    return None


def reached(page: str, *, baseline_htmx: set[tuple[str, str]]) -> list[Finding]:
    """Everything active in `page` that a harmless page of the same kind does not have.

    htmx attributes of the page's own (confirm texts, the CSRF header) differ with the
    content; what counts is one that makes a request the harmless page does not make, one
    that evaluates code, or one the page never uses.
    """
    scanner = _Scanner.run(page)
    baseline = {(n.removeprefix("data-"), v.split("?")[0]) for n, v in baseline_htmx}
    extra = [
        Finding(where, f"{name}={value!r}: {why}")
        for name, value, where in scanner.htmx
        if (why := _htmx_finding(name, value, baseline))
    ]
    return scanner.findings + extra
