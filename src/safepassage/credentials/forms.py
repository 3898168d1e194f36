from django import forms
from django.utils.translation import gettext_lazy as _


class BoardingPassForm(forms.Form):
    flight_number = forms.CharField(label=_("Flight number"), max_length=16)
    departure_date = forms.DateField(
        label=_("Departure date"), widget=forms.DateInput(attrs={"type": "date"})
    )
