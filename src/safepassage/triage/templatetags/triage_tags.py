"""The triage panel of a case page (why this eligibility and priority) and rule formatting."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.registry.models import Category
from safepassage.triage import selectors
from safepassage.triage.facts import FACT_LABELS
from safepassage.triage.forms import CircumstanceForm, ClearOverrideForm, OverrideForm
from safepassage.triage.models import Rule

register = template.Library()


@register.inclusion_tag("triage/case_panel.html", takes_context=True)
def triage_panel(context: template.Context) -> dict[str, Any]:
    """On a case page: `{% load triage_tags %}{% triage_panel %}` (needs `case` and `request`)."""
    user = context["request"].user
    case = context["case"]
    if not permissions.can(user, permissions.READ_TRIAGE):
        return {"visible": False}
    return {
        "visible": True,
        "case": case,
        "why": selectors.explain_case(actor=user, case=case),
        "circumstances": selectors.circumstances_of(actor=user, case=case),
        "can_record": permissions.can(user, permissions.REVIEW_CASES),
        "can_override": permissions.can(user, permissions.DECIDE_ELIGIBILITY),
        "circumstance_form": CircumstanceForm(auto_id="id_circ_%s"),
        "override_form": OverrideForm(auto_id="id_override_%s"),
        "clear_form": ClearOverrideForm(auto_id="id_clear_%s"),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def rule_conditions(rule: Rule | dict[str, Any]) -> str:
    """A rule's conditions in words: "Interpreter; requires Proof of service verified".

    Takes a Rule, or the initial values of a rule's edit form.
    """
    if isinstance(rule, dict):
        rule = Rule(**{k: v for k, v in rule.items()
                       if k in {"categories", "all_of", "any_of", "none_of", "min_days_waiting"}})
    categories = dict(Category.choices)
    parts = []
    if rule.categories:
        parts.append(" / ".join(str(categories.get(c, c)) for c in rule.categories))
    if rule.all_of:
        parts.append(_("requires %(x)s") % {
            "x": _(" and ").join(str(FACT_LABELS.get(f, f)) for f in rule.all_of)})
    if rule.any_of:
        parts.append(_("requires %(x)s") % {
            "x": _(" or ").join(str(FACT_LABELS.get(f, f)) for f in rule.any_of)})
    if rule.none_of:
        parts.append(_("unless %(x)s") % {
            "x": _(" or ").join(str(FACT_LABELS.get(f, f)) for f in rule.none_of)})
    if rule.min_days_waiting is not None:
        parts.append(_("waiting %(d)s days or more") % {"d": rule.min_days_waiting})
    return "; ".join(parts) or _("every case")
