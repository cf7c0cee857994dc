"""The hostile URL corpus: every URL pattern of the URLconf with hostile path and query values.

Shared by tests/core/test_hostile_urls.py (asserts no 500) and bench/hostile.py (prints what was
tried, the 500s and the slowest request). Each pattern is requested with every path parameter
in turn replaced by hostile values (the others valid), and its all-valid form with hostile query
strings; GET for everything, POST (empty form) for the hostile paths.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

HUGE = "9" * 30
# Path segments, as they appear in the URL (already percent-encoded where needed).
HOSTILE_INTEGERS = [HUGE, "99999999999999999999", "9223372036854775808", "2147483648", "0", "00"]
HOSTILE_TEXT = [
    *HOSTILE_INTEGERS,
    "-1",
    "-" + HUGE,
    "%00",
    "a%00b",
    "%ff%fe",  # not UTF-8
    "%c3%28",  # a broken two-byte sequence
    "%ed%a0%80",  # a UTF-8-encoded lone surrogate
    "%25",
    "..",
    "x" * 2000,
]
HOSTILE_DATES = ["0001-01-01", "9999-12-31", "0000-01-01", "2025-02-30", "9999-99-99", "2025-00-10"]
# Query values (percent-encoded), given to every parameter name the views read.
HOSTILE_QUERY_VALUES = [
    "9999999999999999999",
    HUGE,
    "-1",
    "-" + HUGE,
    "0",
    "1e309",
    "nan",
    "%00",
    "%ff%fe",
    "%ed%a0%80",
    "2025-13-45",
    HUGE + "-01-01",
    "0000-00-00",
    "9999-12-31",
    "x" * 3000,
]
QUERY_NAMES = [
    "page",
    "q",
    "tag",
    "category",
    "year",
    "month",
    "presented",
    "by",
    "sort",
    "status",
    "url",
    "token",
    "download",
    "field",
    "slot",
    "cancel",
    "kind",
    "next",
]
# Search filters with hostile dates and numbers (the query language reads them).
HOSTILE_SEARCHES = [
    f"after:{HUGE}",
    f"before:{HUGE}-01-01",
    "after:0000-00-00",
    "before:9999-12-31",
    "after:0001-01-01 before:0001-01-01",
    "after:2025-13 before:2025-02-30",
    "by:%00",
    '"' * 500,
    "-" * 500,
    "kind:" + "x" * 500,
    "%ed%a0%80",
]


@dataclass(frozen=True)
class Probe:
    role: str
    method: str
    url: str
    hostile: bool = True  # False for a pattern's all-valid form (the baseline)


@dataclass
class Outcome:
    probe: Probe
    status: int
    seconds: float
    error: str = ""


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status >= 500]

    @property
    def slowest(self) -> Outcome | None:
        return max(self.outcomes, key=lambda o: o.seconds, default=None)


def _patterns(resolver=None, prefix: str = "") -> Iterator[tuple[str, object]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + _template(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + _template(entry.pattern), entry.pattern


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


def _template(pattern) -> str:
    """The pattern as text with `{name:kind}` placeholders."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        return _ROUTE_PARAM.sub(
            lambda m: "{%s:%s}" % (m["name"], m["converter"] or "str"),  # noqa: UP031
            route,
        )
    if isinstance(pattern, RegexPattern):
        regex = str(pattern._regex)

        def group(m: re.Match) -> str:
            body = m["body"]
            # An alternation of names (admin's app labels): the first is the valid value.
            if re.fullmatch(r"[\w|]+", body):
                return "{%s:choice=%s}" % (m["name"], body.split("|")[0])  # noqa: UP031
            return "{%s:str}" % m["name"]  # noqa: UP031

        text = _REGEX_GROUP.sub(group, regex)
        return text.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return str(pattern)


_ADMIN_CHANGELIST = re.compile(r"/admin/\w+/\w+/")
_PLACEHOLDER = re.compile(r"\{(?P<name>\w+):(?P<kind>[^}]+)\}")


def _hostile_values(kind: str) -> list[str]:
    if kind == "int":
        return HOSTILE_INTEGERS
    if kind == "isodate":
        return HOSTILE_DATES
    return HOSTILE_TEXT


def _fill(template: str, valid: Mapping[str, str], replace: str = "", value: str = "") -> str:
    def sub(m: re.Match) -> str:
        if m["name"] == replace:
            return value
        if m["kind"].startswith("choice="):
            return m["kind"].removeprefix("choice=")
        return valid.get(m["name"], "1")

    return "/" + _PLACEHOLDER.sub(sub, template)


VALID, HOSTILE_PATH, HOSTILE_QUERY = "valid", "hostile path", "hostile query"


def urls(valid: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(url, what varies) for every pattern: its valid form, hostile paths, hostile queries."""
    seen: set[str] = set()
    for template, _pattern in _patterns():
        params = [(m["name"], m["kind"]) for m in _PLACEHOLDER.finditer(template)]

        base = _fill(template, valid)
        variants = [(base, VALID)]
        for name, kind in params:
            variants += [
                (_fill(template, valid, name, v), HOSTILE_PATH) for v in _hostile_values(kind)
            ]
        for value in HOSTILE_QUERY_VALUES:
            query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
            variants.append((f"{base}?{query}", HOSTILE_QUERY))
        for search in HOSTILE_SEARCHES:
            variants.append((f"{base}?q={quote(search, safe='%')}", HOSTILE_QUERY))
        if _ADMIN_CHANGELIST.fullmatch(base):
            # The admin reads unknown names as filters and refuses them all at once: its own
            # names (page, order, search) get a query each.
            variants += [
                (f"{base}?{name}={value}", HOSTILE_QUERY)
                for name in ("p", "o", "q")
                for value in HOSTILE_QUERY_VALUES
            ]
        for url, varies in variants:
            if url not in seen:
                seen.add(url)
                yield url, varies


STAFF = "staff"


def probes(valid: Mapping[str, str], roles: list[str]) -> Iterator[Probe]:
    """GET every URL; POST (an empty form) to the valid and hostile paths. The admin is walked
    in full as staff only: everyone else is sent to its login page whatever the URL."""
    for url, varies in urls(valid):
        admin = url.startswith("/admin/")
        for role in roles:
            if (role == STAFF) != admin and not (admin and varies == VALID):
                continue
            yield Probe(role, "GET", url, hostile=varies != VALID)
            # A POST to a logout URL would end the session for every probe after it.
            if varies != HOSTILE_QUERY and "logout" not in url:
                yield Probe(role, "POST", url, hostile=varies != VALID)


def replay(
    clients: Mapping[str, Client],
    valid: Mapping[str, str],
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Report:
    """Request every probe; a view's exception is caught and recorded as a 500."""
    report = Report()
    errors: list[str] = []

    def record(sender, request=None, **kwargs):
        import sys

        exc = sys.exc_info()[1]
        errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")

    got_request_exception.connect(record, weak=False)
    # Each 404, 405 and 500 would be logged with its traceback: thousands of lines.
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        for client in clients.values():
            client.raise_request_exception = False
        for probe in probes(valid, list(clients)):
            client = clients[probe.role]
            errors.clear()
            started = time.perf_counter()
            if probe.method == "GET":
                response = client.get(probe.url)
            else:
                response = client.post(probe.url, {})
            seconds = time.perf_counter() - started
            outcome = Outcome(probe, response.status_code, seconds, "; ".join(errors))
            report.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
    finally:
        got_request_exception.disconnect(record)
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return report


def world() -> dict[str, str]:
    """A small board with one of everything a URL can name; returns the valid path values."""
    from apps.archive.models import ImportRun
    from apps.group.models import Reminder
    from apps.links.models import Link
    from apps.papers.models import Paper, PaperMatch
    from tests import factories

    presenter = factories.MemberFactory(handle="fr")
    meeting = factories.meeting()
    topic = factories.topic(
        meeting=meeting, presenter=presenter, url="https://arxiv.org/abs/1706.03762"
    )
    remark = factories.remark(topic=topic)
    deep_dive = factories.deep_dive(meeting=meeting, presenter=presenter)
    link = Link.objects.first()
    paper = Paper.objects.first()
    values = {
        "date": meeting.date.isoformat(),
        "topic_id": str(topic.pk),
        "remark_id": str(remark.pk),
        "deep_dive_id": str(deep_dive.pk),
        "link_id": str(link.pk) if link else "1",
        "paper_id": str(paper.pk) if paper else "1",
        "handle": presenter.handle,
        "kind": "paper",
        "code": "cs.CL",
        "year": str(meeting.date.year),
        "month": str(meeting.date.month),
    }
    run = ImportRun.objects.create(uploaded_by=presenter, report=[])
    match = PaperMatch.objects.first()
    reminder = Reminder.objects.first()
    values["run_id"] = str(run.pk) if run else "1"
    values["match_id"] = str(match.pk) if match else "1"
    values["reminder_id"] = str(reminder.pk) if reminder else "1"
    return values


# --- malformed archives (import_archive) ------------------------------------------------------


def _deep(levels: int) -> object:
    value: object = "x"
    for _ in range(levels):
        value = [value]
    return value


def _first_topic(archive: dict) -> dict:
    for meeting in archive["meetings"]:
        for block in meeting["presenters"]:
            if block["topics"]:
                return block["topics"][0]
    raise LookupError("the archive has no topic")


# (label, change to an exported archive): each must be refused with an ArchiveError.
HOSTILE_ARCHIVES: list[tuple[str, Callable[[dict], object]]] = [
    ("schema_version 10**30", lambda a: a.update(schema_version=10**30)),
    ("schema_version -1", lambda a: a.update(schema_version=-1)),
    ("schema_version 2.0", lambda a: a.update(schema_version=2.0)),
    ("topic version 10**30", lambda a: _first_topic(a).update(version=10**30)),
    ("topic version -3", lambda a: _first_topic(a).update(version=-3)),
    ("link attempts 2**40", lambda a: a["links"][0].update(attempts=2**40)),
    ("link extra nested 200 deep", lambda a: a["links"][0].update(extra=_deep(200))),
    ("lone surrogate in a title", lambda a: a["meetings"][0].update(title="勉強会\ud800")),
    ("NUL in topic notes", lambda a: _first_topic(a).update(notes="a\x00b")),
    ("NUL in a handle", lambda a: a["members"][0].update(handle="fr\x00")),
    ("meetings not a list", lambda a: a.update(meetings={"0": {}})),
]
# Files the command itself must refuse (the JSON parser is the first to see them).
HOSTILE_ARCHIVE_FILES: list[tuple[str, str]] = [
    ("100,000 nested brackets", "[" * 100_000 + "]" * 100_000),
    (
        "a 5,000-digit number",
        '{"format": "benkyokai-archive", "schema_version": ' + "9" * 5000 + "}",
    ),
    ("broken JSON", '{"format": "benkyokai-archive",'),
    ("not UTF-8", "\udcff"),  # written with surrogateescape: one raw 0xff byte
]
