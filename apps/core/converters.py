from __future__ import annotations

import datetime as dt


class IsoDateConverter:
    """`2025-03-28` in a URL ↔ a date: meetings are addressed by their day."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:  # 2025-02-30 matches the pattern but is no date
            raise ValueError(value) from exc

    def to_url(self, value: dt.date) -> str:
        return value.isoformat()
