from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import VersionedForm
from apps.core.i18n import interpolate_lazy
from apps.core.markdown.limits import DEEP_DIVE_BODY_MAX_CHARS

from .models import DeepDive

BODY_MAX_CHARS = DEEP_DIVE_BODY_MAX_CHARS  # a long main topic is ~40,000


class DeepDiveForm(VersionedForm):
    id_prefix = "deep-dive"

    body = forms.CharField(
        label=_("本文"),
        required=False,
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 24, "data-editor": "markdown"}),
        help_text=interpolate_lazy(
            _(
                "Markdownで書けます（%(limit)s字まで）。見出し (##) から目次を作ります。"
                "Ctrl+Enter (⌘+Enter) で保存。"
            ),
            {"limit": f"{BODY_MAX_CHARS:,}"},
        ),
    )

    class Meta:
        model = DeepDive
        fields = ["title", "paper_url", "body"]
