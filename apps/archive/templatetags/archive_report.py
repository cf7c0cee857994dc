from __future__ import annotations

from django import template

from apps.archive import report

register = template.Library()


@register.filter
def present(file: dict) -> dict:
    """A stored file report with the words to show."""
    return report.present(file)
