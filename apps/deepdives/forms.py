from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import VersionedForm

from .models import DeepDive

BODY_MAX_CHARS = 150_000  # rendering time grows with length; a long deep dive is ~40k


class DeepDiveForm(VersionedForm):
    id_prefix = "deep-dive"

    body = forms.CharField(
        label=_("本文"),
        required=False,
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 24, "data-editor": "markdown"}),
        help_text=_(
            "Markdownで書けます。見出し (##) から目次を作ります。Ctrl+Enter (⌘+Enter) で保存。"
        ),
    )

    class Meta:
        model = DeepDive
        fields = ["title", "paper_url", "body"]
