"""Signing staff in and out, first sign-in with a one-time link, and administrators' pages for
the staff accounts of their organisation."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts import permissions, selectors, services
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.accounts.forms import (
    EnrolForm,
    FirstPasswordForm,
    NewStaffForm,
    ReasonForm,
    SignInForm,
)
from safepassage.accounts.models import User


@never_cache
@csrf_protect
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        otp_login(request, form.device)
        services.record_sign_in(actor=form.user)
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        return redirect(target or "home")
    return render(request, "accounts/sign_in.html", {
        "form": form, "next": request.GET.get("next", ""),
        "oidc_enabled": settings.OIDC_ENABLED, "oidc_provider": settings.OIDC_PROVIDER_NAME,
        "sso_refused": request.GET.get("sso") == "refused",
    })


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:sign-in")


# --- first sign-in: the one-time link, a password, an authenticator app, backup codes ----------

_ENROLLING = "accounts.enrolling_user"
_DEVICE = "accounts.enrolling_device"


def _user_of_link(uidb64: str, token: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not services.enrolment_tokens.check_token(user, token):
        return None
    return user


@never_cache
@csrf_protect
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _user_of_link(uidb64, token)
    if user is None:
        return render(request, "accounts/link_expired.html", status=410)
    form = FirstPasswordForm(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if not user.has_usable_password():
                services.set_first_password(user=user, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
        else:
            request.session.cycle_key()
            request.session[_ENROLLING] = user.pk
            return redirect("accounts:enrol")
    return render(request, "accounts/welcome.html", {"form": form, "account": user})


@never_cache
@csrf_protect
def enrol(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(_ENROLLING)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:sign-in")
    device = TOTPDevice.objects.filter(pk=request.session.get(_DEVICE), user=user,
                                       confirmed=False).first()
    form = EnrolForm(data=request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            codes = services.confirm_totp_enrolment(
                user=user, device=device, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error("otp_token", error.message_dict.get("otp_token", error.messages))
        else:
            del request.session[_ENROLLING], request.session[_DEVICE]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            return render(request, "accounts/backup_codes.html", {"codes": codes})
    if device is None:
        device = services.start_totp_enrolment(user=user)
        request.session[_DEVICE] = device.pk
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return render(request, "accounts/enrol.html", {
        "form": form, "qr_svg": qr.svg_inline(scale=5, title=str(_("QR code to scan"))),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })


# --- administrators: staff accounts of their organisation ---------------------------------------


@staff_required
def staff_list(request: StaffRequest) -> HttpResponse:
    users = selectors.managed_users(actor=request.user)
    return render(request, "accounts/staff_list.html", {"users": users})


@staff_required
@csrf_protect
def staff_new(request: StaffRequest) -> HttpResponse:
    permissions.require(request.user, permissions.MANAGE_STAFF)
    form = NewStaffForm(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_staff_user(
                actor=request.user, username=form.cleaned_data["username"],
                role=form.cleaned_data["role"], organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return _show_link(request, invitation, created=True)
    return render(request, "accounts/staff_new.html", {"form": form})


def _show_link(request: StaffRequest, invitation: services.Invitation, *,
               created: bool) -> HttpResponse:
    return render(request, "accounts/staff_link.html", {
        "account": invitation.user, "created": created,
        "link": request.build_absolute_uri(invitation.path),
    })


@staff_required
@csrf_protect
def staff_detail(request: StaffRequest, user_id: int) -> HttpResponse:
    try:
        account = selectors.managed_user(actor=request.user, user_id=user_id)
    except User.DoesNotExist as missing:
        raise Http404 from missing
    form = ReasonForm(data=request.POST or None)
    action = request.POST.get("action", "")
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if action == "reset-second-factor":
            invitation = services.reset_second_factor(actor=request.user, user=account,
                                                      reason=reason)
            return _show_link(request, invitation, created=False)
        if action in {"deactivate", "reactivate"}:
            services.set_active(actor=request.user, user=account, active=action == "reactivate",
                                reason=reason)
            messages.success(request, _("Account deactivated.") if action == "deactivate"
                             else _("Account reactivated."))
            return redirect("accounts:staff-detail", user_id=account.pk)
    return render(request, "accounts/staff_detail.html", {
        "account": account, "form": form, "is_self": account.pk == request.user.pk,
    })


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with an expired or missing token: said plainly, in the person's language,
    with what to do (Django's own page is a developer's, in English)."""
    return render(request, "403_csrf.html", status=403)
