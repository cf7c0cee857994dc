from __future__ import annotations

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`{{ forms|get_item:"topic-3" }}`: look up a key that is built in the template."""
    return mapping.get(key) if mapping else None


@register.filter
def host(url: str) -> str:
    """The site a source link points to, shown beside its title."""
    netloc = urlsplit(url or "").hostname or ""
    return netloc.removeprefix("www.")
