from __future__ import annotations

from typing import Any


class VersionConflict(Exception):
    """Someone saved a newer version while this form was open.

    Carries the current object so the form can show the newer text next to the user's own.
    """

    def __init__(self, current: Any) -> None:
        super().__init__(f"{type(current).__name__} {current.pk} has version {current.version}")
        self.current = current
