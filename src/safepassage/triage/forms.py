"""Forms of the supervisor's rule pages and of the triage panel on a case page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.registry.models import Category
from safepassage.triage.facts import Circumstance, DerivedFact
from safepassage.triage.models import Rule
from safepassage.triage.rulebook import RuleSpec

FACT_CHOICES = [*Circumstance.choices, *DerivedFact.choices]


def _checkboxes(label: Any, choices: list[tuple[str, Any]], help_text: Any) -> forms.Field:
    return forms.MultipleChoiceField(label=label, choices=choices, required=False,
                                     widget=forms.CheckboxSelectMultiple, help_text=help_text)


class RuleForm(forms.Form):
    label = forms.CharField(label=_("Name of the rule"), max_length=200)
    points = forms.IntegerField(label=_("Points"), min_value=-100, max_value=100, initial=0)
    eligibility = forms.ChoiceField(label=_("Eligibility"), choices=Rule.Effect.choices,
                                    required=False)
    categories = _checkboxes(_("Categories"), Category.choices, _("None ticked: any category."))
    all_of = _checkboxes(_("Requires all of"), FACT_CHOICES, "")
    any_of = _checkboxes(_("Requires at least one of"), FACT_CHOICES, "")
    none_of = _checkboxes(_("Requires none of"), FACT_CHOICES, "")
    min_days_waiting = forms.IntegerField(label=_("Waiting at least (days)"), min_value=0,
                                          required=False)

    def spec(self) -> RuleSpec:
        d = self.cleaned_data
        return RuleSpec(label=d["label"].strip(), points=d["points"] or 0,
                        eligibility=d["eligibility"] or "",
                        categories=tuple(d["categories"]), all_of=tuple(d["all_of"]),
                        any_of=tuple(d["any_of"]), none_of=tuple(d["none_of"]),
                        min_days_waiting=d["min_days_waiting"])


RuleFormSet = forms.formset_factory(RuleForm, extra=1, can_delete=True, max_num=200,
                                    validate_max=True)


def rule_initial(rule: Rule) -> dict[str, Any]:
    return {"label": rule.label, "points": rule.points, "eligibility": rule.eligibility,
            "categories": rule.categories, "all_of": rule.all_of, "any_of": rule.any_of,
            "none_of": rule.none_of, "min_days_waiting": rule.min_days_waiting}


class RuleSetHeaderForm(forms.Form):
    name = forms.CharField(label=_("Name of this rule set"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes (why these rules)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))


class ImportRulesForm(forms.Form):
    file = forms.FileField(label=_("Rule set file (YAML)"))


class CircumstanceForm(forms.Form):
    code = forms.ChoiceField(label=_("Circumstance"), choices=Circumstance.choices)
    note = forms.CharField(label=_("Note (optional, kept encrypted)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OverrideForm(forms.Form):
    KEEP, YES, NO = "", "yes", "no"
    eligible = forms.ChoiceField(
        label=_("Eligibility"), required=False,
        choices=[(KEEP, _("As the rules say")), (YES, _("Eligible")), (NO, _("Not eligible"))],
    )
    priority = forms.IntegerField(label=_("Priority (empty: as the rules say)"), min_value=0,
                                  max_value=32767, required=False)
    reason = forms.CharField(label=_("Reason for the override"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def eligible_value(self) -> bool | None:
        return {self.YES: True, self.NO: False}.get(self.cleaned_data["eligible"])


class ClearOverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason to return to the rules"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
