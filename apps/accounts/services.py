"""Writes for members."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.core import changes

from .models import User


@transaction.atomic
def member_create(
    *,
    handle: str,
    display_name: str,
    password: str | None = None,
    is_organizer: bool = False,
    email: str = "",
) -> User:
    """Create a member. Without a password the member cannot log in (e.g. imported)."""
    user = User(
        username=handle.lower(),
        handle=handle.lower(),
        display_name=display_name,
        is_organizer=is_organizer,
        email=email,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def member_rename(*, member: User, display_name: str) -> User:
    """Change how a member is shown; their topics and remarks are found under the new name."""
    display_name = display_name.strip()
    if display_name == member.display_name:
        return member
    member.display_name = display_name
    member.full_clean(validate_unique=False, validate_constraints=False)
    member.save(update_fields=["display_name"])
    changes.announce(changes.MEMBER, pk=member.pk, obj=member)  # search finds the new name
    return member


def login_unlock(*, username: str = "", ip_address: str = "") -> int:
    """Forget the failed logins of one name or one address, so it may log in again now."""
    if not (username or ip_address):
        return 0
    return int(axes_reset(username=username or None, ip=ip_address or None))


@transaction.atomic
def member_deactivate(*, member: User) -> User:
    """The member may no longer log in; what they posted stays. Their open sessions stop
    counting at once (Django refuses an inactive member's session), and the apps revoke the
    secrets the member holds (feed tokens) when this is announced."""
    if member.is_active:
        member.is_active = False
        member.save(update_fields=["is_active"])
    changes.announce(changes.MEMBER_DEACTIVATED, pk=member.pk, obj=member)
    return member


def password_link_path(*, member: User) -> str:
    """The one-time path where `member` sets a password. Django's reset token is bound to the
    password hash and the last login, so the link stops working once it has been used, and
    after PASSWORD_RESET_TIMEOUT in any case."""
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    return reverse("password-set", kwargs={"uidb64": uid, "token": token})


def member_language_set(*, member: User, language: str) -> User:
    """The member's display language; "" follows the group's."""
    member.language = language
    member.save(update_fields=["language"])
    return member
