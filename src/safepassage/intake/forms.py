"""The public registration form and the status check. Every field is plain text or a select:
the pages work without JavaScript, and the values are checked by intake.records."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from safepassage.intake import records
from safepassage.registry.models import Category, Relationship, Sex

REQUIRED = {"required": _("Please fill in this field.")}
CHOOSE = {"required": _("Please choose an answer."),
          "invalid_choice": _("Please choose one of the answers in the list.")}
_TIMESTAMP_SALT = "safepassage.intake.form-started"

DATE_HELP = _("Day/month/year, the year alone, or the date on the tazkira (1364/03/15).")


def _text(
    label: Any, *, required: bool = False, help_text: Any = "", **attrs: str
) -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=help_text, max_length=200,
                           strip=False, error_messages=REQUIRED,
                           widget=forms.TextInput(attrs=attrs))


def _sex_choices() -> list[tuple[str, Any]]:
    return [(Sex.UNKNOWN, _("Prefer not to say")), (Sex.FEMALE, Sex.FEMALE.label),
            (Sex.MALE, Sex.MALE.label), (Sex.OTHER, Sex.OTHER.label)]


class RegistrantForm(forms.Form):
    given_name = _text(_("Given name"), required=True, autocomplete="given-name")
    family_name = _text(_("Family name"), autocomplete="family-name")
    father_name = _text(_("Father's name"))
    date_of_birth = _text(_("Date of birth"), help_text=DATE_HELP)
    sex = forms.ChoiceField(label=_("Sex"), choices=_sex_choices, required=False)
    phone = _text(_("Phone number"), help_text=_("For example 0791234567 or +44 7700 900123."),
                  autocomplete="tel", inputmode="tel")
    email = _text(_("E-mail address (optional)"), autocomplete="email", inputmode="email")
    tazkira_number = _text(_("Tazkira number"))
    passport_number = _text(_("Passport number"))
    province = _text(_("Province where you are now"))
    # No answer chosen in advance: a pre-selected "Other" would be sent by everyone who skims.
    category = forms.ChoiceField(label=_("Why you are at risk"), error_messages=CHOOSE,
                                 choices=[("", _("Choose an answer")), *Category.choices])
    # The bot check: a field people never see, and when the form was shown (signed).
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # When the form was shown, and a one-time token: the registration it makes is the only
        # one it can make (a reload, a double click or a replayed bot-check token registers no
        # one again).
        self.fields["started"].initial = signing.dumps(
            {"t": time.time(), "n": secrets.token_urlsafe(18)}, salt=_TIMESTAMP_SALT)

    def _started(self) -> dict[str, Any]:
        try:
            value = signing.loads(self.data.get("started", ""), salt=_TIMESTAMP_SALT,
                                  max_age=settings.INTAKE_FORM_MAX_AGE_SECONDS)
        except (signing.BadSignature, TypeError, ValueError):
            return {}
        ok = isinstance(value, dict) and isinstance(value.get("t"), (int, float)) \
            and isinstance(value.get("n"), str)
        return value if ok else {}

    def form_token(self) -> str:
        """The one-time token of the form as shown ("" when it is missing or forged)."""
        return str(self._started().get("n", ""))

    def looks_automated(self) -> str:
        """Why this submission looks sent by a program ("" if it does not)."""
        if self.data.get("website"):
            return "honeypot"
        started = self._started()
        if not started:
            return "no_timestamp"
        if time.time() - float(started["t"]) < settings.INTAKE_FORM_MIN_SECONDS:
            return "too_fast"
        return ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _add_value_problems(self, is_first=True)
        return cleaned


def _add_value_problems(form: forms.Form, *, is_first: bool) -> None:
    """What intake.records finds wrong in the values (a date it cannot read, a phone number
    that does not exist), beside each field, together with the form's own errors: every error
    at once, not one round after another."""
    values = {name: form.data.get(form.add_prefix(name), "") for name in form.fields}
    for found in records.normalise_person(values, is_first=is_first).problems:
        name = found["field"]
        if name in form.fields and not form.has_error(name):
            form.add_error(name, f"{found['message']} {found['hint']}")


MEMBER_RELATIONSHIPS = [("", _("Choose an answer")),
                        *(c for c in Relationship.choices if c[0] != Relationship.HEAD)]


class MemberForm(forms.Form):
    given_name = _text(_("Given name"))
    family_name = _text(_("Family name"))
    relationship_to_head = forms.ChoiceField(label=_("Relationship to you"),
                                             choices=MEMBER_RELATIONSHIPS, required=False,
                                             error_messages=CHOOSE)
    date_of_birth = _text(_("Date of birth"), help_text=DATE_HELP)
    sex = forms.ChoiceField(label=_("Sex"), choices=_sex_choices, required=False)
    tazkira_number = _text(_("Tazkira number"))
    passport_number = _text(_("Passport number"))

    def is_blank(self) -> bool:
        return not any(str(self.data.get(self.add_prefix(n), "")).strip()
                       for n in ("given_name", "family_name", "date_of_birth", "tazkira_number",
                                 "passport_number"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_blank():
            return cleaned
        if not self.has_error("given_name") and not cleaned.get("given_name", "").strip():
            self.add_error("given_name", _("Please fill in this field."))
        if not self.has_error("relationship_to_head") and not cleaned.get("relationship_to_head"):
            self.add_error("relationship_to_head",
                           _("Please choose how this person is related to you."))
        _add_value_problems(self, is_first=False)
        return cleaned


class StatusForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=30, error_messages=REQUIRED,
                                widget=forms.TextInput(attrs={"autocomplete": "off",
                                                              "dir": "ltr"}))
    secret = forms.CharField(label=_("Secret"), max_length=30, error_messages=REQUIRED,
                             widget=forms.PasswordInput(attrs={"autocomplete": "off",
                                                               "dir": "ltr"}))
    # Typed back from the SMS that a number given in the form received: confirms the number.
    code = forms.CharField(
        label=_("Code received by SMS (if you got one)"), max_length=12, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "dir": "ltr"}))
    # Goes to the inbox, matched to this case by the reference and secret (messaging.inbox).
    question = forms.CharField(
        label=_("A question for us (optional)"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}))
