from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator

from .models import Meeting

GUIDANCE_MAX_CHARS = 20_000


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "title", "status", "guidance"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "guidance": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendering time grows with the text: a guidance note is a few lines.
        self.fields["guidance"].validators.append(MaxLengthValidator(GUIDANCE_MAX_CHARS))
