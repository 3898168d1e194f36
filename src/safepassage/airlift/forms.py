from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.airlift.models import Operator
from safepassage.registry.models import Category


class FlightForm(forms.Form):
    code = forms.CharField(label=_("Flight code"), max_length=16)
    operator = forms.ChoiceField(label=_("Operator"), choices=Operator.choices)
    origin = forms.CharField(label=_("From"), max_length=8, initial="KBL")
    destination = forms.CharField(label=_("To"), max_length=8)
    departs_at = forms.DateTimeField(
        label=_("Departure (Kabul time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=0, max_value=2000)
    allowed_categories = forms.MultipleChoiceField(
        label=_("Only these categories (none ticked: everyone)"), choices=Category.choices,
        required=False, widget=forms.CheckboxSelectMultiple,
    )


class DelayForm(forms.Form):
    departs_at = forms.DateTimeField(
        label=_("New departure (Kabul time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class SeatsForm(forms.Form):
    seats = forms.IntegerField(label=_("Seats now"), min_value=0, max_value=2000)
