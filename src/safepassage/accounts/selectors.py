"""Reading staff accounts: the ones an administrator manages."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts import permissions
from safepassage.accounts.models import User
from safepassage.accounts.permissions import Actor


def managed_users(*, actor: Actor) -> QuerySet[User]:
    permissions.require(actor, permissions.MANAGE_STAFF)
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    users = User.objects.select_related("organisation").annotate(enrolled=Exists(enrolled))
    if isinstance(actor, User) and actor.organisation_id is not None:
        users = users.filter(Q(organisation_id=actor.organisation_id))
    return users.order_by("username")


def managed_user(*, actor: Actor, user_id: int) -> User:
    return managed_users(actor=actor).get(pk=user_id)
