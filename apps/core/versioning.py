from __future__ import annotations

from typing import Protocol, TypeVar, cast

from django.db import models

from .exceptions import VersionConflict

M = TypeVar("M", bound=models.Model)


class _Versioned(Protocol):
    """A model with a `version` field (a Model bound cannot name a field)."""

    version: int


def lock_current(queryset: models.QuerySet[M], pk: int, expected_version: int | None) -> M:
    """Lock the row for this transaction and check it is still the version the form showed.

    `expected_version=None` skips the check: the admin and importers overwrite on purpose.
    """
    current = queryset.select_for_update(of=("self",)).get(pk=pk)
    if expected_version is not None and cast(_Versioned, current).version != expected_version:
        raise VersionConflict(current)
    return current
