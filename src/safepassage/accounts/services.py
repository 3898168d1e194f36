"""Creating staff accounts with their second factor enrolled."""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.models import Organisation, Role, User


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
