from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

from .exceptions import VersionConflict

T = TypeVar("T")


class VersionedForm(forms.ModelForm):
    """Carries the version the user started editing, so a stale save can be detected.

    Required when editing: a form without it (or with a forged one) must not overwrite.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Several of these forms can be open on one board: ids must not collide.
    id_prefix = "form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        key = instance.pk if instance is not None and instance.pk else "new"
        kwargs.setdefault("auto_id", f"{self.id_prefix}-{key}-%s")
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def with_version(self, version: int) -> None:
        """After a conflict: keep the user's input but let a re-submit apply it on the newer
        version."""
        # A bound form's data is a QueryDict (a dict in some tests): both have copy().
        data = self.data.copy()  # type: ignore[attr-defined]
        data[self.add_prefix("version")] = str(version)
        self.data = data


def save_versioned(
    form: VersionedForm, context: dict[str, Any], save: Callable[[dict[str, Any]], T]
) -> T | None:
    """Run `save(cleaned_data)` for a valid edit form; None when the form must be shown again.

    A stale version leaves the user's input in the form, shows the newer saved object
    (`context["conflict"]`) and arms the form so that saving again applies the user's text.
    """
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except VersionConflict as conflict:
        form.with_version(conflict.current.version)
        context["conflict"] = conflict.current
    except ValidationError as exc:
        form.add_error(None, exc)
    return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not isinstance(data, list | tuple):
            data = [data] if data else []
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in data]
