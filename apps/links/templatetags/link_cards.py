"""Template helpers for link cards: the checked embed of a link and a video's length."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from apps.links.embeds import safe_embed

register = template.Library()

# The frame's shape as a CSS class, so that no inline style is needed (CSP-friendly).
_RATIOS = ((16 / 9, "16x9"), (4 / 3, "4x3"), (1.0, "1x1"), (9 / 16, "9x16"))


@register.filter
def link_embed(link: Any) -> dict[str, Any] | None:
    """The link's player (slides, video), re-checked against the allowlist; None if none."""
    embed = safe_embed((getattr(link, "extra", None) or {}).get("embed"))
    if embed is None:
        return None
    ratio = embed["ratio"]
    embed["shape"] = min(_RATIOS, key=lambda pair: abs(pair[0] - ratio))[1]
    return embed


@register.filter
def duration(value: object) -> str:
    """5400 → "1:30:00", 95 → "1:35"."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return ""
    hours, rest = divmod(value, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


GITHUB_TYPES = {
    "issue": _("Issue"),
    "pull": _("プルリクエスト"),
    "discussion": _("ディスカッション"),
    "release": _("リリース"),
    "gist": "Gist",
}
GITHUB_STATES = {
    "open": _("オープン"),
    "closed": _("クローズ"),
    "merged": _("マージ済み"),
    "draft": _("ドラフト"),
    "prerelease": _("プレリリース"),
}


@register.filter
def github_type(value: object) -> str:
    return str(GITHUB_TYPES.get(str(value), ""))


@register.filter
def github_state(value: object) -> str:
    return str(GITHUB_STATES.get(str(value), ""))
