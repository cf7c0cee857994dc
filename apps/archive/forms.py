from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MultipleFileField
from apps.core.i18n import interpolate_lazy

from .notes_format import MAX_BYTES


class NotesUploadForm(forms.Form):
    # Shadows BaseForm.files (the uploaded-files dict) only in the type checker's eyes: the form
    # metaclass moves declared fields into base_fields, so the instance attribute stays intact.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("ノートのファイル"),
        # Empty files are reported by the import itself, next to the other files' results.
        allow_empty_file=True,
        help_text=interpolate_lazy(
            _(
                "旧ノートページのエクスポート（テキストまたは Markdown）。1ファイル1回分、"
                "%(limit)s MB まで、一度に100ファイルまで選べます。"
            ),
            {"limit": MAX_BYTES // 1024 // 1024},
        ),
    )
    dry_run = forms.BooleanField(
        label=_("確認だけ（保存しない）"),
        required=False,
        help_text=_("何が作られ、何が変わるかだけを表示します。"),
    )
