from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .notes_format import MAX_BYTES


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    widget = _MultipleFileInput

    def clean(self, data, initial=None):
        if not isinstance(data, list | tuple):
            data = [data] if data else []
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(_MultipleFileField, self).clean(item, initial) for item in data]


class NotesUploadForm(forms.Form):
    # The form metaclass moves declared fields into base_fields, so this does not replace
    # BaseForm.files (the uploads) at run time; the name is the upload input's name.
    files = _MultipleFileField(  # type: ignore[assignment]
        label=_("ノートのファイル"),
        # Empty files are reported by the import itself, next to the other files' results.
        allow_empty_file=True,
        help_text=_(
            "旧ノートページのエクスポート（テキストまたは Markdown）。1ファイル1回分、"
            "%(limit)s MB まで、一度に100ファイルまで選べます。"
        )
        % {"limit": MAX_BYTES // 1024 // 1024},
    )
    dry_run = forms.BooleanField(
        label=_("確認だけ（保存しない）"),
        required=False,
        help_text=_("何が作られ、何が変わるかだけを表示します。"),
    )
