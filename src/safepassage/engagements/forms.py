from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.engagements.models import Format
from safepassage.engagements.services import FollowUpData

FOLLOW_UP_ROWS = 3
ONE_A_LINE = _("One a line. A line that matches an earlier one joins its history.")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices)
    counterpart = forms.CharField(label=_("Counterpart"), max_length=300,
                                  help_text=_("Who we met: office, delegation, names."))
    our_participants = forms.CharField(label=_("Our participants"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    partner_states = forms.CharField(label=_("Partner states present"), required=False,
                                     max_length=300)
    topics = forms.CharField(label=_("Topics"), required=False, help_text=ONE_A_LINE,
                             widget=forms.Textarea(attrs={"rows": 3}))
    our_demands = forms.CharField(label=_("Our demands"), required=False, help_text=ONE_A_LINE,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    their_demands = forms.CharField(label=_("Their demands"), required=False,
                                    help_text=ONE_A_LINE,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    concerns = forms.CharField(label=_("Concerns raised"), required=False, help_text=ONE_A_LINE,
                               widget=forms.Textarea(attrs={"rows": 3}))
    our_commitments = forms.CharField(label=_("Commitments we made"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    their_commitments = forms.CharField(label=_("Commitments they made"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    memo_title = forms.CharField(label=_("Memo title"), required=False, max_length=200)
    memo = forms.CharField(label=_("Memo (stored encrypted)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, FOLLOW_UP_ROWS + 1):
            self.fields[f"follow_up_{i}_action"] = forms.CharField(
                label=_("Follow-up %(n)s: action") % {"n": i}, required=False)
            self.fields[f"follow_up_{i}_owner"] = forms.CharField(
                label=_("Follow-up %(n)s: owner") % {"n": i}, required=False, max_length=200)
            self.fields[f"follow_up_{i}_due"] = forms.DateField(
                label=_("Follow-up %(n)s: due date") % {"n": i}, required=False,
                widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, FOLLOW_UP_ROWS + 1):
            action, owner = data.get(f"follow_up_{i}_action"), data.get(f"follow_up_{i}_owner")
            if action and not owner:
                self.add_error(f"follow_up_{i}_owner", _("Who owns this follow-up?"))
            if owner and not action:
                self.add_error(f"follow_up_{i}_action", _("What is to be done?"))
        return data

    def follow_up_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"follow_up_{i}_action"], self[f"follow_up_{i}_owner"],
                 self[f"follow_up_{i}_due"]) for i in range(1, FOLLOW_UP_ROWS + 1)]

    def service_arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "held_on": d["held_on"], "place": d["place"], "format": d["format"],
            "counterpart": d["counterpart"], "our_participants": d["our_participants"],
            "partner_states": d["partner_states"], "summary": d["summary"],
            "topics": _lines(d["topics"]), "our_demands": _lines(d["our_demands"]),
            "their_demands": _lines(d["their_demands"]), "concerns": _lines(d["concerns"]),
            "our_commitments": _lines(d["our_commitments"]),
            "their_commitments": _lines(d["their_commitments"]),
            "follow_ups": [
                FollowUpData(d[f"follow_up_{i}_action"], d[f"follow_up_{i}_owner"],
                             d[f"follow_up_{i}_due"])
                for i in range(1, FOLLOW_UP_ROWS + 1) if d.get(f"follow_up_{i}_action")
            ],
            "memo_title": d["memo_title"], "memo": d["memo"],
        }


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the log"), max_length=200)
