"""The forms of the setup page: sites, places, hosts and programmes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.resettlement.models import Doer, Place, Site

SERVICE_CHOICES = [("medical_care", _("Medical care")), ("accessible_housing",
                   _("Accessible housing")), ("school", _("School")),
                   ("mental_health", _("Mental health")),
                   ("employment_support", _("Employment support"))]
LANGUAGE_CHOICES = [("prs", _("Dari")), ("pus", _("Pashto")), ("eng", _("English")),
                    ("fra", _("French")), ("uzb", _("Uzbek")), ("tuk", _("Turkmen"))]


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Site name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind of site"), choices=Site.Kind.choices)
    rooms = forms.IntegerField(label=_("Rooms"), min_value=1)
    beds = forms.IntegerField(label=_("Beds"), min_value=1)


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Place name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind of place"), choices=Place.Kind.choices)
    period_start = forms.DateField(label=_("Capacity from"))
    period_end = forms.DateField(label=_("Capacity until"))
    children = forms.IntegerField(label=_("Children"), min_value=0, initial=0)
    adults = forms.IntegerField(label=_("Adults"), min_value=0, initial=0)
    seniors = forms.IntegerField(label=_("Seniors"), min_value=0, initial=0)
    units_small = forms.IntegerField(label=_("Homes for 1-2 people"), min_value=0, initial=0)
    units_medium = forms.IntegerField(label=_("Homes for 3-5 people"), min_value=0, initial=0)
    units_large = forms.IntegerField(label=_("Homes for 6 or more"), min_value=0, initial=0)
    services = forms.MultipleChoiceField(label=_("Services"), choices=SERVICE_CHOICES,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(label=_("Languages spoken"), choices=LANGUAGE_CHOICES,
                                          required=False, widget=forms.CheckboxSelectMultiple)


class HostForm(forms.Form):
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.all())
    username = forms.CharField(label=_("Host account (user name)"), max_length=150)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=120)
    steps = forms.CharField(
        label=_("Milestones"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One a line: name | days from arrival | caseworker or host | required or "
                    "optional. For example: Health screening | 10 | caseworker | required"))
    is_default = forms.BooleanField(label=_("Default programme for new arrivals"),
                                    required=False)

    def clean_steps(self) -> list[dict[str, Any]]:
        steps = []
        for number, line in enumerate(self.cleaned_data["steps"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4 or not parts[1].isdigit() or parts[2] not in Doer.values \
                    or parts[3] not in ("required", "optional"):
                raise forms.ValidationError(
                    _("Line %(n)s: write name | days | caseworker or host | required or "
                      "optional.") % {"n": number})
            steps.append({"name": parts[0], "due_days": int(parts[1]), "done_by": parts[2],
                          "required": parts[3] == "required"})
        return steps


class OutcomeFileForm(forms.Form):
    file = forms.FileField(label=_("CSV file of past arrivals"))
