from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from safepassage.messaging.audiences import open_flights
from safepassage.registry.models import Category, Status


class BroadcastForm(forms.Form):
    text_en = forms.CharField(label=_("Message in English"), widget=forms.Textarea(
        attrs={"rows": 3}), max_length=700)
    text_fr = forms.CharField(label=_("Message in French"), widget=forms.Textarea(
        attrs={"rows": 3}), max_length=700, required=False)
    text_fa_af = forms.CharField(label=_("Message in Dari"), widget=forms.Textarea(
        attrs={"rows": 3, "dir": "rtl", "lang": "fa-AF"}), max_length=700, required=False)
    text_ps = forms.CharField(label=_("Message in Pashto"), widget=forms.Textarea(
        attrs={"rows": 3, "dir": "rtl", "lang": "ps"}), max_length=700, required=False)
    categories = forms.MultipleChoiceField(
        label=_("Categories (none ticked: all)"), choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    statuses = forms.MultipleChoiceField(
        label=_("Case statuses (none ticked: all)"), choices=Status.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    # The open flights, as airlift provides them (messaging.audiences).
    flight = forms.TypedChoiceField(
        label=_("Only the households holding seats on this flight"), required=False,
        coerce=int, empty_value=None)
    essential = forms.BooleanField(
        label=_("Essential: send also to people who opted out (safety, their flight)"),
        required=False)
    rate_per_minute = forms.IntegerField(
        label=_("Send at most this many messages a minute"), min_value=1,
        max_value=settings.MESSAGING_BROADCAST_MAX_RATE_PER_MINUTE,
        initial=settings.MESSAGING_BROADCAST_RATE_PER_MINUTE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        flight = self.fields["flight"]
        assert isinstance(flight, forms.TypedChoiceField)
        flight.choices = [("", _("Any flight or none")), *open_flights()]

    def texts(self) -> dict[str, str]:
        data = self.cleaned_data
        return {"en": data["text_en"], "fr": data["text_fr"], "fa-af": data["text_fa_af"],
                "ps": data["text_ps"]}
