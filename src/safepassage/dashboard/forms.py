from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.dashboard.models import Commitment


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["title", "target", "counts", "deadline", "announced_on"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}),
                   "announced_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"target": _("A number of people, as promised in public.")}


class AsOfForm(forms.Form):
    date = forms.DateField(label=_("Situation on"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))
