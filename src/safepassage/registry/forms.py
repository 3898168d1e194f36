from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.registry.models import Status


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
