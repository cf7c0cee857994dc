from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django import forms, template
from django.db import models
from django.utils.translation import gettext as _

from apps.core.weburls import href
from apps.core.worddiff import word_diff

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, object] | None, key: str) -> object:
    """`{{ forms|get_item:"topic-3" }}`: look up a key that is built in the template."""
    return mapping.get(key) if mapping else None


@register.filter
def host(url: str) -> str:
    """The site a source link points to, shown beside its title."""
    netloc = urlsplit(url or "").hostname or ""
    return netloc.removeprefix("www.")


@register.filter(name="href")
def href_filter(url: object) -> str:
    """`<a href="{{ link.extra.pdf_url|href }}">`: an http(s) URL or a path on this site, else
    "" — the last check before a URL from outside becomes something a member can click."""
    return href(url)


@register.filter
def is_markdown(bound_field: forms.BoundField) -> bool:
    """Fields whose widget asks for the Markdown editor (write / preview tabs)."""
    return bool(bound_field.field.widget.attrs.get("data-editor") == "markdown")


@register.simple_tag
def conflict_fields(
    form: forms.BaseForm, current: models.Model
) -> list[tuple[StrOrPromise, object]]:
    """The newer saved values of the fields this form edits, to show beside the user's own;
    long texts (notes, the main topic) come as a word diff of theirs against yours."""
    rows: list[tuple[StrOrPromise, object]] = []
    for field in form.visible_fields():
        display = getattr(current, f"get_{field.name}_display", None)
        value = display() if display else getattr(current, field.name, "")
        if isinstance(value, models.Manager):  # extra links: one "label url" per line
            value = "\n".join(
                f"{extra.label} {extra.link.canonical_url}".strip()
                for extra in value.select_related("link")
            )
        rows.append((field.label, value))
        if isinstance(field.field.widget, forms.Textarea) and form.is_bound:
            yours = form.data.get(field.html_name, "")
            if str(value or "") != yours:
                label = _("%(label)s: 相手とあなたの違い") % {"label": field.label}
                rows.append((label, word_diff(str(value or ""), yours)))
    return rows
