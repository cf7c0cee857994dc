"""Whether this request's writes reached the database: what its error page may promise.

A write can commit and the request still fail afterwards (the connection lost before the
on-commit work, a render that needs the database again). Telling the member "nothing was
saved" then invites a second, duplicate submit. The database backends in this package note
each commit, and a COMMIT whose answer was lost with the connection (the driver cannot tell
whether it took effect), in the record the request middleware opens.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from contextvars import ContextVar

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse


class Outcome(enum.Enum):
    NONE = "none"  # nothing committed
    COMMITTED = "committed"
    UNKNOWN = "unknown"  # a COMMIT was sent and the connection died before its answer


_record: ContextVar[list[Outcome] | None] = ContextVar("commit_record", default=None)


def note(outcome: Outcome) -> None:
    record = _record.get()
    if record is not None:
        record.append(outcome)


def request_outcome() -> Outcome:
    """The strongest thing known about this request's commits: a commit that surely took
    effect counts more than one in doubt, which counts more than none."""
    record = _record.get() or []
    for outcome in (Outcome.COMMITTED, Outcome.UNKNOWN):
        if outcome in record:
            return outcome
    return Outcome.NONE


class TrackCommits:
    """Mixed into a DatabaseWrapper: notes the outcome of every commit."""

    def commit(self) -> None:
        try:
            super().commit()  # type: ignore[misc]
        except (OperationalError, InterfaceError):
            note(Outcome.UNKNOWN)
            raise
        note(Outcome.COMMITTED)


class CommitRecordMiddleware:
    """Opens a fresh record for each request (first in the chain: the 500 page reads it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _record.set([])
        try:
            return self.get_response(request)
        finally:
            _record.reset(token)
