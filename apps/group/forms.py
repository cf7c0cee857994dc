from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import GroupSettings, time_zone_names, validate_https_url
from .services import SHOWN_FIELDS

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class GroupSettingsForm(forms.ModelForm):
    """The settings page. The webhook URL is a secret: the stored one is never put back into
    the page; an empty field keeps it."""

    webhook = forms.URLField(
        label=_("Slack Incoming Webhook URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(
            attrs={"placeholder": "https://hooks.slack.com/services/…", "autocomplete": "off"}
        ),
        help_text=_("Slackの「Incoming Webhook」で作ったURL。空のままなら今の設定を変えません。"),
    )
    clear_webhook = forms.BooleanField(label=_("Webhookを削除してSlackに送らない"), required=False)

    class Meta:
        model = GroupSettings
        fields = list(SHOWN_FIELDS)
        widgets = {
            "start_time": TIME_INPUT,
            "deadline_time": TIME_INPUT,
            "guidance_template": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(choices=[(n, n) for n in time_zone_names()])
        for name in ("start_time", "deadline_time"):
            cast(forms.TimeField, self.fields[name]).input_formats = ["%H:%M", "%H:%M:%S"]

    def clean_language(self) -> str | None:
        # A form posted without the field (an older page) leaves the language as it is.
        return self.cleaned_data.get("language") or None

    def clean_webhook(self) -> str:
        value = (self.cleaned_data.get("webhook") or "").strip()
        validate_https_url(value)
        return value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("clear_webhook") and data.get("webhook"):
            raise ValidationError(
                {"webhook": _("削除する場合はURLを空にしてください。")}, code="clear_and_set"
            )
        return data

    def service_fields(self) -> dict:
        """What group_settings_update receives: the form's fields and the webhook decision."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if self.cleaned_data.get("clear_webhook"):
            fields["slack_webhook_url"] = ""
        elif self.cleaned_data.get("webhook"):
            fields["slack_webhook_url"] = self.cleaned_data["webhook"]
        return fields

    def add_service_error(self, error: ValidationError) -> None:
        """Errors the service found go next to the field they concern (the webhook's model
        field is called differently on the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            field = "webhook" if name == "slack_webhook_url" else name
            self.add_error(field if field in self.fields else None, messages)
