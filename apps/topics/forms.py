from __future__ import annotations

from django import forms

from .models import Remark


class RemarkForm(forms.ModelForm):
    class Meta:
        model = Remark
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2, "maxlength": 2000})}
