"""Creating staff accounts with their second factor enrolled; recording who signs in."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation, Role, User
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit


def create_staff_user(
    *,
    username: str,
    password: str,
    role: str,
    organisation: Organisation | None = None,
    totp_key_hex: str | None = None,
) -> tuple[User, TOTPDevice]:
    """A staff account with a confirmed TOTP device; the key is returned for enrolment."""
    with transaction.atomic():
        user = User(username=username, role=role, organisation=organisation,
                    is_staff=role == Role.ADMINISTRATOR, is_superuser=role == Role.ADMINISTRATOR)
        user.set_password(password)
        user.save()
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True,
            key=totp_key_hex or secrets.token_hex(20),
        )
    return user, device


def record_sign_in(*, actor: Actor) -> None:
    """A staff member signed in with both factors: the audit trail keeps it."""
    user = permissions.user_of(actor)
    if user is None:
        raise PermissionDenied("Only staff sign in.")
    audit.record(actor=user, action="staff.signed_in", object_type="user", object_id=user.pk)
