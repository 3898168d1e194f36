"""Single sign-on through the organisation's OpenID Connect provider (optional).

Only the issuer, a client id and secret are configured: the endpoints come from the provider's
discovery document. The role comes from a claim (groups by default) through a mapping the
operator writes; a person the mapping gives no role is refused. The provider handles the second
factor: its ID token must say so (`amr`), unless the operator says the provider enforces it.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from safepassage.accounts.models import ExternalIdentity, Role, User
from safepassage.accounts.permissions import SINGLE_SIGN_ON
from safepassage.audit import services as audit

log = logging.getLogger(__name__)
BACKEND = "safepassage.accounts.oidc.StaffOIDCBackend"
SECOND_FACTOR_SESSION_KEY = "accounts.second_factor_by_provider"
# Authentication method references (RFC 8176) that mean more than a password.
MULTI_FACTOR_AMR = {"mfa", "otp", "hwk", "swk", "sms", "face", "fpt", "iris", "retina", "pin"}

_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


@functools.cache
def discovery(issuer: str) -> dict[str, Any]:
    response = requests.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration",
                            timeout=10, verify=settings.OIDC_VERIFY_SSL)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise SuspiciousOperation("The provider's discovery document names another issuer.")
    return document


def _setting(attr: str, *default: Any) -> Any:
    if attr in _DISCOVERED:
        return discovery(settings.OIDC_ISSUER)[_DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def role_from_claims(claims: dict[str, Any]) -> str | None:
    """The first role of the mapping whose claim value the person has (mapping order decides)."""
    value = claims.get(settings.OIDC_ROLE_CLAIM)
    values = {str(v) for v in value} if isinstance(value, list) else {str(value)}
    for claim_value, role in settings.OIDC_ROLE_MAP:
        if claim_value in values and role in Role.values and role != Role.PARTNER:
            return role
    return None


class StaffOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]  # untyped library
    def get_settings(self, attr: str, *default: Any) -> Any:
        return _setting(attr, *default)

    def get_or_create_user(self, access_token: str, id_token: str,
                           payload: dict[str, Any]) -> User | None:
        if payload.get("iss", "").rstrip("/") != settings.OIDC_ISSUER.rstrip("/"):
            raise SuspiciousOperation("ID token from another issuer.")
        amr = set(payload.get("amr") or [])
        if not settings.OIDC_PROVIDER_ENFORCES_MFA and not amr & MULTI_FACTOR_AMR:
            log.warning("single sign-on refused: the provider reports no second factor")
            return None
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        role = role_from_claims(claims)
        if role is None:
            log.warning("single sign-on refused: no role maps from the claims")
            return None
        with transaction.atomic():
            identity = ExternalIdentity.objects.select_related("user").filter(
                issuer=settings.OIDC_ISSUER, subject=str(payload["sub"])).first()
            user = identity.user if identity else self._new_user(claims, role, payload)
            if not user.is_active:
                return None
            if user.role != role:
                audit.record(actor=SINGLE_SIGN_ON, action="accounts.role_changed",
                             object_type="user", object_id=user.pk,
                             details={"from": user.role, "to": role, "by": "claims"})
                user.role = role
                user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
                user.save(update_fields=["role", "is_staff", "is_superuser"])
        return user

    def _new_user(self, claims: dict[str, Any], role: str, payload: dict[str, Any]) -> User:
        wanted = str(claims.get("preferred_username") or f"sso-{payload['sub']}")[:140]
        username, n = wanted, 1
        while User.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{wanted}-{n}"
        user = User(username=username, role=role, is_staff=role == Role.ADMINISTRATOR,
                    is_superuser=role == Role.ADMINISTRATOR)
        user.set_unusable_password()
        user.save()
        ExternalIdentity.objects.create(user=user, issuer=settings.OIDC_ISSUER,
                                        subject=str(payload["sub"]))
        audit.record(actor=SINGLE_SIGN_ON, action="accounts.user_created", object_type="user",
                     object_id=user.pk, details={"role": role, "by": "single sign-on"})
        return user


class SignInRequest(OIDCAuthenticationRequestView):  # type: ignore[misc]  # untyped library
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not settings.OIDC_ENABLED:
            return
        super().__init__(*args, **kwargs)

    def get_settings(self, attr: str, *default: Any) -> Any:
        return _setting(attr, *default)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        response: HttpResponse = super().get(request)
        return response


class SignInCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]  # untyped library
    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        response: HttpResponse = super().get(request)
        return response

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        # The provider checked the second factor (its ID token said so, or the operator vouches
        # that it always does): the session counts as verified, like a TOTP sign-in.
        self.request.session[SECOND_FACTOR_SESSION_KEY] = self.user.pk
        audit.record(actor=self.user, action="staff.signed_in", object_type="user",
                     object_id=self.user.pk, details={"via": "single sign-on"})
        return response


def second_factor_by_provider(request: HttpRequest, user: Any) -> bool:
    session = request.session
    return (session.get(BACKEND_SESSION_KEY) == BACKEND
            and session.get(SECOND_FACTOR_SESSION_KEY) == user.pk)
