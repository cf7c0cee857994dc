from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MultipleFileField
from apps.core.i18n import interpolate_lazy
from apps.core.markdown.limits import LIBRARY_NOTE_MAX_CHARS

from .library_formats import MAX_BYTES
from .tags import read_tag_list

NOTE_MAX_CHARS = LIBRARY_NOTE_MAX_CHARS


class TagsField(forms.CharField):
    """Tags typed as members write them: `#RLVR #NLP`, `強化学習, LLM`; normalized on clean."""

    def clean(self, value):
        text = super().clean(value)
        result = read_tag_list(text or "")
        if result.rejected:
            raise forms.ValidationError(
                "; ".join(f"{check.raw[:40]}: {check.message}" for check in result.rejected)
            )
        return result.tags


class LibraryNoteForm(forms.Form):
    summary = forms.CharField(
        label=_("メモ"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NOTE_MAX_CHARS,
        help_text=interpolate_lazy(
            _("Markdownで書けます（%(limit)s字まで）。"), {"limit": f"{NOTE_MAX_CHARS:,}"}
        ),
    )
    tags = TagsField(label=_("タグ"), required=False, max_length=1000, help_text=_("#NLP #RLVR"))


class PaperTagsForm(forms.Form):
    tags = TagsField(label=_("タグを追加"), max_length=1000, help_text=_("#NLP #RLVR"))


class LibraryUploadForm(forms.Form):
    # The form metaclass moves declared fields into base_fields, so this does not replace
    # BaseForm.files (the uploads) at run time; the name is the upload input's name.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("ノート集のファイル"),
        allow_empty_file=True,  # reported by the import, beside the other files' results
        help_text=interpolate_lazy(
            _(
                "論文ごとの要約（Markdown）、タグ付き論文ノート、週刊論文ダイジェストのどれか。"
                "%(limit)s MB まで、一度に20ファイルまで。"
            ),
            {"limit": MAX_BYTES // 1024 // 1024},
        ),
    )
    dry_run = forms.BooleanField(label=_("確認だけ（保存しない）"), required=False)

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > 20:
            raise forms.ValidationError(_("一度に選べるのは20ファイルまでです。"))
        return files


class QueueProposalForm(forms.Form):
    """Propose for the queue: a paper's URL, or a request in words (or both: a URL and why)."""

    url = forms.URLField(
        label=_("論文のURL"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://arxiv.org/abs/…"}),
    )
    text = forms.CharField(
        label=_("聞きたいこと"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("誰かRLHFの最近の流れを")}),
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("url") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("論文のURLか、聞きたいことを入力してください。"))
        return data
