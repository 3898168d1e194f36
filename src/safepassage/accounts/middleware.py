"""django-otp's middleware, also counting a second factor checked by the identity provider."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django_otp.middleware import OTPMiddleware

from safepassage.accounts.oidc import second_factor_by_provider


class ProviderSecondFactor:
    """Stands for the device in a session whose second factor the identity provider checked."""

    persistent_id = "identity-provider"
    confirmed = True


PROVIDER_SECOND_FACTOR = ProviderSecondFactor()


class SecondFactorMiddleware(OTPMiddleware):  # type: ignore[misc]  # django-otp is untyped
    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        user = super()._verify_user_sync(request, user)
        if user.is_authenticated and user.otp_device is None and second_factor_by_provider(
            request, user
        ):
            user.otp_device = PROVIDER_SECOND_FACTOR
        return user
