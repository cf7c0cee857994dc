"""iCalendar text (RFC 5545) for the meetings feed, written by hand: nothing in the lock file
does it, and the subset a subscription needs is small.

Times are written in UTC (``…Z``): a ``TZID`` would require a ``VTIMEZONE`` block with the
zone's DST rules, while UTC times are exact and every calendar app shows them in the reader's
own zone. ``X-WR-TIMEZONE`` still names the group's zone for apps that use it as a hint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_LINE_OCTETS = 75  # excluding the CRLF
PRODID = "-//Benkyokai Board//Meetings//JA"

# Controls are not allowed in TEXT values (tab is); newlines are escaped before this runs.
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT property value: backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROLS.sub("", value)


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character.

    Each continuation line starts with one space, which counts towards its 75 octets.
    """
    if len(line.encode("utf-8")) <= MAX_LINE_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, MAX_LINE_OCTETS - 1
        current.append(char)
        size += width
    parts.append("".join(current))
    return (CRLF + " ").join(parts)


def utc_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    summary: str
    description: str
    url: str
    stamp: dt.datetime  # aware: when this event last changed
    cancelled: bool = False


def _event_lines(event: Event) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc_stamp(event.stamp)}",
        f"LAST-MODIFIED:{utc_stamp(event.stamp)}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"URL:{event.url}",  # a URI value: not TEXT, so not escaped
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def calendar(*, name: str, time_zone: str, events: Iterable[Event]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{escape_text(time_zone)}",
        # Calendar apps poll a subscription; once an hour is plenty for a weekly meeting.
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for event in events:
        lines.extend(_event_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
