from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.Form):
    """What a member may change about themselves; the handle is in every remark and URL, so
    only organizers change it (in the admin). A plain form: the service compares the new name
    with the stored one, which a ModelForm would already have overwritten."""

    display_name = User._meta.get_field("display_name").formfield(
        help_text=_("ボードやアーカイブに表示される名前です。"),
        error_messages={"required": _("表示名を入力してください。")},
    )
