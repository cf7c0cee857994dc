"""Collecting report lines while a file is read, with a ceiling.

A broken 2 MB file can produce a problem on every one of its 100 000 lines; nobody reads such a
report, and building it would cost more than the parse. The first `LIMIT` lines are kept and the
rest are counted into one closing line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .entries import ERROR, INFO, WARNING, Problem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LIMIT = 200


class ProblemLog:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.problems: list[Problem] = []
        self.dropped = 0

    def add(self, line: int | None, message: StrOrPromise, level: str, **params: object) -> None:
        """`message` is a lazy translation; it is translated and filled in only when kept,
        because translating costs more than parsing a line."""
        if len(self.problems) < self.limit:
            text = str(message) % params if params else str(message)
            self.problems.append(Problem(line, text, level))
        else:
            self.dropped += 1

    def error(self, line: int | None, message: StrOrPromise, **params: object) -> None:
        self.add(line, message, ERROR, **params)

    def warning(self, line: int | None, message: StrOrPromise, **params: object) -> None:
        self.add(line, message, WARNING, **params)

    def info(self, line: int | None, message: StrOrPromise, **params: object) -> None:
        self.add(line, message, INFO, **params)

    def result(self) -> list[Problem]:
        """The report in file order (a line is sometimes judged only after later ones)."""
        ordered = sorted(self.problems, key=lambda p: 0 if p.line is None else p.line)
        if not self.dropped:
            return ordered
        more = _("ほかに %(count)d 件の指摘があります（表示を省略しました）。") % {
            "count": self.dropped
        }
        return [*ordered, Problem(None, more, INFO)]
