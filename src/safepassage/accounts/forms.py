"""The staff sign-in form: user name, password and the six-digit code of the second factor."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import match_token

from safepassage.accounts.demo import demo_allowed
from safepassage.accounts.models import Organisation, Role, User


class SignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    otp_token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        help_text=_("Lost your phone? Type one of your backup codes instead."),
        max_length=16,
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
        if user.is_demo and not demo_allowed():
            raise forms.ValidationError(
                _(
                    "This is a demo account, and demo accounts cannot sign in to a production "
                    "installation. Ask your administrator for an account of your own."
                ),
                code="demo_account",
            )
        self.user, self.device = user, device
        return data


class FirstPasswordForm(forms.Form):
    """Step one of the welcome link: a new account chooses its password; an account whose
    second factor was reset confirms the password it has."""

    password = forms.CharField(label=_("Choose a password (12 characters or more)"),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("The same password again"),
                                     widget=forms.PasswordInput(
                                         attrs={"autocomplete": "new-password"}))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        if user.has_usable_password():
            del self.fields["password_again"]
            self.fields["password"].label = _("Your password")
            self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password") or ""
        if self.user.has_usable_password():
            if password and not self.user.check_password(password):
                self.add_error("password", _("This is not your password. Type the password "
                                             "you sign in with."))
        elif password and data.get("password_again") != password:
            self.add_error("password_again", _("The two passwords differ: type the same one "
                                               "twice."))
        return data


class EnrolForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Six-digit code your app shows now"), max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class NewStaffForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation (partner referrers only)"), required=False,
        queryset=Organisation.objects.none(),
    )

    def __init__(self, administrator: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.all()
        roles = list(Role.choices)
        if administrator.organisation_id is not None:
            organisations = organisations.filter(pk=administrator.organisation_id)
            roles = [(Role.PARTNER.value, Role.PARTNER.label)]
        role_field: Any = self.fields["role"]
        role_field.choices = roles
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = organisations


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (kept in the audit log)"), max_length=200)
