"""Translated text with values filled in when it is shown, not when the module is imported."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise, lazy


def _interpolate(message: str | Promise, values: dict[str, Any]) -> str:
    return str(message) % values


# `gettext_lazy("…%(limit)s…") % {...}` would translate at import time, in the server's
# language; form help texts are class attributes, so they need this.
interpolate_lazy = lazy(_interpolate, str)
