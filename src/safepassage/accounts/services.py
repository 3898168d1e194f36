"""Staff accounts: creating them, first sign-in (password and second factor), backup codes,
resetting a lost second factor, deactivating. Every change by an administrator is audited.

An account is never deleted: the audit trail names its id, and a deactivated account can no
longer sign in (Django refuses inactive users on every request, so its sessions end too).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts import permissions
from safepassage.accounts.demo import demo_allowed
from safepassage.accounts.models import Organisation, Role, User
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit

BACKUP_CODES = 10


def create_staff_user(
    *,
    username: str,
    password: str,
    role: str,
    organisation: Organisation | None = None,
    totp_key_hex: str | None = None,
    demo: bool = False,
) -> tuple[User, TOTPDevice]:
    """A staff account with a confirmed TOTP device at once (demo accounts and tests); real
    accounts are invited (invite_staff_user) and enrol their own device. A demo account
    (`demo=True`) cannot be made in production."""
    if demo and not demo_allowed():
        raise PermissionDenied(_("Demo accounts cannot be created in production."))
    with transaction.atomic():
        user = User(username=username, role=role, organisation=organisation, is_demo=demo,
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
class EnrolmentTokens(PasswordResetTokenGenerator):
    """One-time links to set a first password and enrol a second factor. A link dies when it is
    used (the password or the enrolled devices change), when the account signs in, and after
    PASSWORD_RESET_TIMEOUT (three days by default)."""

    key_salt = "safepassage.accounts.EnrolmentTokens"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        enrolled = has_second_factor(user)
        return f"{super()._make_hash_value(user, timestamp)}{enrolled}{user.is_active}"


enrolment_tokens = EnrolmentTokens()


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def enrolment_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:welcome", args=[uid, enrolment_tokens.make_token(user)])


def _require_manages(actor: Actor, user: User | None, *, role: str,
                     organisation: Organisation | None) -> None:
    permissions.require(actor, permissions.MANAGE_STAFF)
    if not permissions.manages(actor, role=role, organisation=organisation):
        raise PermissionDenied(_("You may not manage accounts of that organisation or role."))
    if user is not None and user.pk == getattr(actor, "pk", None):
        raise PermissionDenied(_("Ask another administrator to change your own account."))


@dataclass(frozen=True)
class Invitation:
    user: User
    path: str  # the one-time link, to give to the person over a channel you trust


def invite_staff_user(
    *, actor: Actor, username: str, role: str, organisation: Organisation | None = None,
) -> Invitation:
    """A new account without a password or second factor, and the one-time link with which its
    holder chooses a password and enrols an authenticator app."""
    if role == Role.PARTNER and organisation is None:
        raise ValidationError({"organisation": _("A partner referrer belongs to an organisation: "
                                                 "choose it.")})
    if role != Role.PARTNER and organisation is not None:
        raise ValidationError({"organisation": _("Only partner referrers belong to a partner "
                                                 "organisation: leave it empty for this role.")})
    _require_manages(actor, None, role=role, organisation=organisation)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is taken: choose another.")})
    with transaction.atomic():
        user = User(username=username, role=role, organisation=organisation,
                    is_staff=role == Role.ADMINISTRATOR,
                    is_superuser=role == Role.ADMINISTRATOR)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(actor=actor, action="accounts.user_created", object_type="user",
                     object_id=user.pk, details={"role": role,
                                                 "organisation": organisation.pk
                                                 if organisation else None})
    return Invitation(user=user, path=enrolment_path(user))


def set_first_password(*, user: User, password: str) -> None:
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=user, action="accounts.password_set", object_type="user",
                     object_id=user.pk)


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed device with a fresh secret; the user scans its QR code. A device left
    unconfirmed from an earlier attempt is replaced, so one link never yields two secrets."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm_totp_enrolment(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the device with a code it shows; returns the backup codes, shown once."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError({"otp_token": _("Start the enrolment again from your link.")})
    if not device.verify_token(token.strip()):
        raise ValidationError({"otp_token": _(
            "This code does not match. Check that your phone's clock is right and type the "
            "code your app shows now.")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_backup_codes(user=user)
        audit.record(actor=user, action="accounts.second_factor_enrolled", object_type="user",
                     object_id=user.pk)
    return codes


def new_backup_codes(*, user: User) -> list[str]:
    """Ten single-use codes for when the phone is lost; earlier codes stop working."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def reset_second_factor(*, actor: Actor, user: User, reason: str) -> Invitation:
    """Remove a lost authenticator and its backup codes. The person enrols a new one through a
    one-time link, with their password: the link alone, or the password alone, is not enough."""
    permissions.require(actor, permissions.MANAGE_STAFF)  # an actor first, then the account
    _require_manages(actor, user, role=user.role, organisation=user.organisation)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the second factor is reset (e.g. phone "
                                           "lost): it goes in the audit log.")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(actor=actor, action="accounts.second_factor_reset", object_type="user",
                     object_id=user.pk, details={"reason": reason.strip()[:200]})
    return Invitation(user=user, path=enrolment_path(user))


def set_active(*, actor: Actor, user: User, active: bool, reason: str) -> None:
    """Deactivate (or reactivate) an account; it is never deleted."""
    permissions.require(actor, permissions.MANAGE_STAFF)  # an actor first, then the account
    _require_manages(actor, user, role=user.role, organisation=user.organisation)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: it goes in the audit log.")})
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(actor=actor, action="accounts.user_reactivated" if active
                     else "accounts.user_deactivated", object_type="user", object_id=user.pk,
                     details={"reason": reason.strip()[:200]})
