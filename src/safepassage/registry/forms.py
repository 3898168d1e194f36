from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.registry.models import Person, Relationship, Sex, Status


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Reference, name, phone, e-mail or document number"),
        max_length=200,
        strip=True,
    )


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}),
                             required=False, max_length=2000)


def _text(label: Any, **attrs: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=200, strip=False,
                           widget=forms.TextInput(attrs=attrs))


REASON_HELP = _("Say what the correction rests on: the document seen, the call with the family.")


class PersonCorrectionForm(forms.Form):
    """The values a caseworker may correct, shown as they are; only those changed are sent on."""

    given_name = _text(_("Given name"))
    family_name = _text(_("Family name"))
    father_name = _text(_("Father's name"))
    name_native = _text(_("Name in Dari/Pashto"), dir="rtl")
    latin_given_name = _text(_("Given name in Latin script"), dir="ltr")
    latin_family_name = _text(_("Family name in Latin script"), dir="ltr")
    date_of_birth = _text(_("Date of birth"))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    relationship_to_head = forms.ChoiceField(label=_("Relationship"), choices=Relationship.choices)
    tazkira_number = _text(_("Tazkira number"), dir="ltr")
    passport_number = _text(_("Passport number"), dir="ltr")
    reason = forms.CharField(label=_("Why"), help_text=REASON_HELP, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_for(person: Person) -> dict[str, str]:
        return {
            "given_name": person.given_name, "family_name": person.family_name,
            "father_name": person.father_name, "name_native": person.name_native,
            "latin_given_name": person.latin_given_name,
            "latin_family_name": person.latin_family_name,
            "date_of_birth": person.birth_date_text or str(person.birth_date or ""),
            "sex": person.sex, "relationship_to_head": person.relationship_to_head,
            "tazkira_number": person.tazkira_number, "passport_number": person.passport_number,
        }

    def changes(self) -> dict[str, str]:
        """The fields whose text differs from what was shown."""
        return {name: self.cleaned_data[name] for name in self.fields
                if name != "reason" and str(self.cleaned_data[name]).strip()
                != str(self.initial.get(name, "")).strip()}


class MoveMemberForm(forms.Form):
    to_reference = forms.CharField(label=_("Reference of the household they travel with"),
                                   max_length=20, required=False)
    reason = forms.CharField(label=_("Why"), help_text=REASON_HELP, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AddMemberForm(forms.Form):
    given_name = _text(_("Given name"))
    family_name = _text(_("Family name"))
    relationship_to_head = forms.ChoiceField(
        label=_("Relationship"),
        choices=[("", _("Choose an answer")),
                 *(c for c in Relationship.choices if c[0] != Relationship.HEAD)])
    date_of_birth = _text(_("Date of birth"))
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    tazkira_number = _text(_("Tazkira number"), dir="ltr")
    passport_number = _text(_("Passport number"), dir="ltr")
    reason = forms.CharField(label=_("Why"), help_text=REASON_HELP, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
