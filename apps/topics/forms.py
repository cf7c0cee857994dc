from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.forms import VersionedForm

from .models import Remark, Topic
from .services import AUTO_KIND

NOTES_MAX_CHARS = 50_000


class TopicForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("種類"),
        choices=[(AUTO_KIND, _("自動 (URLから判定)")), *Topic.Kind.choices],
        initial=AUTO_KIND,
        error_messages={"invalid_choice": _("種類は 自動・論文・blog・oss から選んでください。")},
    )
    notes = forms.CharField(
        label=_("メモ"),
        required=False,
        max_length=NOTES_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "data-editor": "markdown"}),
        help_text=_("Markdownで書けます。Ctrl+Enter (⌘+Enter) で保存。"),
    )

    class Meta:
        model = Topic
        fields = ["url", "title", "notes"]  # kind is a form field: it also offers "auto"
        widgets = {
            "url": forms.URLInput(attrs={"placeholder": "https://arxiv.org/abs/…", "inputmode": "url"}),
            "title": forms.TextInput(attrs={"autocomplete": "off", "data-focus-first": ""}),
        }
        error_messages = {"url": {"invalid": _("URLの形式が正しくありません (https://… で入力してください)。")}}

    field_order = ["kind", "url", "title", "notes"]
    id_prefix = "topic"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False  # filled from the source when left empty
        if self.instance.pk and not self.is_bound:
            self.initial["kind"] = self.instance.kind
        if not self.instance.pk:
            # While a URL is typed, ask whether the group has presented it before.
            self.fields["url"].widget.attrs.update(
                {
                    "hx-get": reverse("links:check"),
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#already-presented-check",
                    "hx-swap": "outerHTML",
                }
            )


class RemarkForm(VersionedForm):
    id_prefix = "remark"

    class Meta:
        model = Remark
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2, "maxlength": 2000, "data-enter-submits": ""})}
