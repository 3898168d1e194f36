"""The staff sign-in form: user name, password and the six-digit code of the second factor."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import match_token


class SignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    otp_token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: Any = None
        self.device: Any = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        username, password = data.get("username"), data.get("password")
        token = (data.get("otp_token") or "").strip()
        if not (username and password and token):
            return data
        user = authenticate(self.request, username=username, password=password)
        device = match_token(user, token) if user is not None else None
        if user is not None and device is None:
            # A wrong second factor counts as a failed sign-in for the lock-out, like a password.
            user_login_failed.send(
                sender=__name__, credentials={"username": username}, request=self.request
            )
        if user is None or device is None:
            raise forms.ValidationError(
                _(
                    "The user name, password or code is not right. Check them and try again; "
                    "after five failures the account is locked for 15 minutes."
                ),
                code="invalid_sign_in",
            )
        self.user, self.device = user, device
        return data
