from __future__ import annotations

from typing import ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

handle_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_.-]{0,31}$",
    _("ハンドルは英小文字・数字・_ . - で、32文字までです。"),
)


class User(AbstractUser):
    """A member of the study group.

    `handle` is the short name members use in remarks (`[fr] …`); `display_name` is how the
    old notes page wrote them (`@Takumi Iida`). Members imported from old notes may have no
    usable password: they exist so that their topics keep an author.
    """

    display_name = models.CharField(_("表示名"), max_length=100)
    handle = models.CharField(
        _("ハンドル"), max_length=32, unique=True, validators=[handle_validator]
    )
    is_organizer = models.BooleanField(
        _("運営"), default=False, help_text=_("アジェンダの編集と会の運営ができます。")
    )

    # Empty: the group's language (GroupSettings.language) applies.
    language = models.CharField(
        _("表示言語"), max_length=8, blank=True, choices=settings.LANGUAGES, default=""
    )

    objects: ClassVar[UserManager[Self]] = UserManager()

    REQUIRED_FIELDS = ["handle", "display_name", "email"]

    class Meta:
        verbose_name = _("メンバー")
        verbose_name_plural = _("メンバー")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        # Lower-case so that `[FR]` and `[fr]` are the same member.
        self.handle = (self.handle or "").lower()
        super().save(*args, **kwargs)
