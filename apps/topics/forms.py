from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.forms import VersionedForm
from apps.core.i18n import interpolate_lazy
from apps.core.markdown.limits import REMARK_MAX_CHARS, TOPIC_NOTES_MAX_CHARS

from .materials import max_pdf_bytes
from .models import Remark, Topic
from .services import AUTO_KIND

NOTES_MAX_CHARS = TOPIC_NOTES_MAX_CHARS
MAX_EXTRA_LINKS = 10


def parse_extra_links(text: str) -> list[tuple[str, str]]:
    """One link per line, optionally labelled: `code https://github.com/…` or just the URL."""
    validate = URLValidator(schemes=["http", "https"])
    links = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.strip().rsplit(None, 1)
        if not parts:
            continue
        url = parts[-1]
        label = parts[0][:40] if len(parts) == 2 else ""
        try:
            validate(url)
        except ValidationError as exc:
            raise ValidationError(
                _("%(number)s行目のURLが正しくありません: %(url)s"),
                params={"number": number, "url": url[:80]},
            ) from exc
        links.append((label, url))
    if len(links) > MAX_EXTRA_LINKS:
        raise ValidationError(_("追加リンクは%(max)s件までです。"), params={"max": MAX_EXTRA_LINKS})
    return links


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
        help_text=interpolate_lazy(
            _("Markdownで書けます（%(limit)s字まで）。Ctrl+Enter (⌘+Enter) で保存。"),
            {"limit": f"{NOTES_MAX_CHARS:,}"},
        ),
    )
    extra_links = forms.CharField(
        label=_("追加リンク"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "placeholder": "code https://github.com/…\nslides https://speakerdeck.com/…",
            }
        ),
        help_text=_("コード・スライドなど。1行に1つ、先頭にラベルを付けられます。"),
    )

    class Meta:
        model = Topic
        fields = ["url", "title", "notes"]  # kind is a form field: it also offers "auto"
        widgets = {
            "url": forms.URLInput(
                attrs={"placeholder": "https://arxiv.org/abs/…", "inputmode": "url"}
            ),
            "title": forms.TextInput(attrs={"autocomplete": "off", "data-focus-first": ""}),
        }
        error_messages = {
            "url": {"invalid": _("URLの形式が正しくありません (https://… で入力してください)。")}
        }

    field_order = ["kind", "url", "title", "notes", "extra_links"]
    id_prefix = "topic"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False  # filled from the source when left empty
        if self.instance.pk and not self.is_bound:
            self.initial["kind"] = self.instance.kind
            self.initial["extra_links"] = "\n".join(
                f"{extra.label} {extra.link.canonical_url}".strip()
                for extra in self.instance.extra_links.select_related("link")
            )
        if not self.instance.pk:
            # While a URL is typed, ask whether the group has presented it before.
            self.fields["url"].widget.attrs.update(
                {
                    "hx-get": reverse("papers:earlier-presentations"),
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#earlier-presentations-check",
                    "hx-swap": "outerHTML",
                }
            )

    def clean_extra_links(self) -> list[tuple[str, str]]:
        return parse_extra_links(self.cleaned_data.get("extra_links", ""))


class RemarkForm(VersionedForm):
    id_prefix = "remark"

    class Meta:
        model = Remark
        fields = ["body"]
        widgets = {
            "body": forms.Textarea(
                attrs={"rows": 2, "maxlength": REMARK_MAX_CHARS, "data-enter-submits": ""}
            )
        }


def _http_url(label, placeholder: str) -> forms.URLField:
    return forms.URLField(
        label=label,
        required=False,
        max_length=2000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": _("http:// か https:// で始まるURLを入力してください。")},
        widget=forms.URLInput(attrs={"placeholder": placeholder, "inputmode": "url"}),
    )


class MaterialsForm(forms.Form):
    """After the meeting: slides (a link or a PDF) and the recording of a topic."""

    slides_url = _http_url(_("スライドのURL"), "https://speakerdeck.com/…")
    pdf = forms.FileField(
        label=_("スライドのPDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    recording_url = _http_url(_("録画のURL"), "https://www.youtube.com/watch?v=…")

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return None
        limit = max_pdf_bytes()
        if upload.size > limit:  # before reading a byte of it
            raise forms.ValidationError(
                _("PDFは%(mb)sMBまでです。"), params={"mb": limit // (1024 * 1024)}
            )
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("PDFファイルではありません。"))
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f) for f in ("slides_url", "pdf", "recording_url")):
            raise forms.ValidationError(_("スライドか録画のどちらかを入力してください。"))
        return data
