from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.dashboard.models import Commitment

if TYPE_CHECKING:  # the form class is generic for the type checker only
    _ModelForm = forms.ModelForm[Commitment]
else:
    _ModelForm = forms.ModelForm


class CommitmentForm(_ModelForm):
    class Meta:
        model = Commitment
        fields = ["title", "target", "counts", "deadline", "announced_on"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}),
                   "announced_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"target": _("A number of people, as promised in public.")}


class AsOfForm(forms.Form):
    date = forms.DateField(label=_("Situation on"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
