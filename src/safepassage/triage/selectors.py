"""Reads of triage: the rule set in force, its versions, and why a case has its eligibility and
priority (the rules that applied, with their points, and any override)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.registry.models import Case
from safepassage.triage.facts import FACT_LABELS
from safepassage.triage.models import ActiveRuleSet, Assessment, CaseCircumstance, Rule, RuleSet


def active_rule_set() -> RuleSet | None:
    pointer = ActiveRuleSet.objects.select_related("rule_set").filter(pk=1).first()
    return pointer.rule_set if pointer else None


def rule_sets(*, actor: Actor) -> QuerySet[RuleSet]:
    permissions.require(actor, permissions.READ_TRIAGE)
    return RuleSet.objects.select_related("created_by", "published_by").order_by(
        "state", "-version", "-pk")


def get_rule_set(*, actor: Actor, pk: int) -> RuleSet:
    permissions.require(actor, permissions.READ_TRIAGE)
    return RuleSet.objects.get(pk=pk)


def cases_scored_under_older_rules() -> int:
    active = active_rule_set()
    if active is None:
        return 0
    scored = Assessment.objects.exclude(rule_set=active).count()
    return scored + Case.objects.filter(assessment__isnull=True).count()


@dataclass
class AppliedRule:
    label: str
    points: int
    eligibility: str


@dataclass
class Explanation:
    scored: bool
    eligible: bool = False
    priority: int | None = None
    version: int | None = None
    rules_eligible: bool = False
    rules_points: int = 0
    applied: list[AppliedRule] = field(default_factory=list)
    days_waiting: int = 0
    scored_at: dt.datetime | None = None
    stale: bool = False  # scored under a version that is no longer in force
    overridden: bool = False
    override_eligible: bool | None = None
    override_priority: int | None = None
    override_reason: str = ""
    overridden_by: str = ""
    overridden_at: dt.datetime | None = None

    @property
    def rules_summary(self) -> str:
        """What the rules alone say: "priority 2: interpreter with verified service +1, …"."""
        if not self.scored:
            return _("not scored yet")
        if self.rules_eligible:
            parts = [f"{r.label} {r.points:+d}" for r in self.applied if r.points or r.eligibility]
            return _("priority %(p)s: %(why)s") % {
                "p": self.rules_points, "why": ", ".join(parts) or _("no points")}
        excluding = [r.label for r in self.applied if r.eligibility == "ineligible"]
        if excluding:
            return _("not eligible: %(why)s") % {"why": ", ".join(excluding)}
        return _("not eligible: no rule of version %(v)s makes this case eligible") % {
            "v": self.version}

    @property
    def summary(self) -> str:
        if not self.overridden:
            return self.rules_summary
        decided = (_("priority %(p)s") % {"p": self.priority} if self.eligible
                   else _("not eligible"))
        return _("%(decided)s, set by %(who)s (the rules say %(rules)s)") % {
            "decided": decided, "who": self.overridden_by or _("a supervisor"),
            "rules": self.rules_summary}


def explain_case(*, actor: Actor, case: Case) -> Explanation:
    """Why this case has its eligibility and priority. The caller has scoped the case to the
    actor (registry.selectors); reading it here needs the triage capability."""
    permissions.require(actor, permissions.READ_TRIAGE)
    assessment = (Assessment.objects.select_related("rule_set", "overridden_by")
                  .filter(case=case).first())
    if assessment is None:
        return Explanation(scored=False)
    rules = {r.pk: r for r in Rule.objects.filter(pk__in=assessment.applied_rules)}
    applied = [AppliedRule(label=rules[k].label, points=rules[k].points,
                           eligibility=rules[k].eligibility)
               for k in assessment.applied_rules if k in rules]
    active = active_rule_set()
    return Explanation(
        scored=True, eligible=assessment.final_eligible, priority=assessment.final_priority,
        version=assessment.rule_set.version, rules_eligible=assessment.eligible,
        rules_points=assessment.points, applied=applied,
        days_waiting=max(0, (assessment.scored_at - case.created_at).days),
        scored_at=assessment.scored_at,
        stale=active is not None and active.pk != assessment.rule_set_id,
        overridden=assessment.is_overridden,
        override_eligible=assessment.override_eligible,
        override_priority=assessment.override_priority,
        override_reason=assessment.override_reason if assessment.is_overridden else "",
        overridden_by=(assessment.overridden_by.get_username()
                       if assessment.overridden_by else ""),
        overridden_at=assessment.overridden_at,
    )


@dataclass
class RecordedCircumstance:
    code: str
    label: str
    note: str
    recorded_by: str
    recorded_at: dt.datetime


def circumstances_of(*, actor: Actor, case: Case) -> list[RecordedCircumstance]:
    permissions.require(actor, permissions.READ_TRIAGE)
    return [
        RecordedCircumstance(code=c.code, label=FACT_LABELS.get(c.code, c.code), note=c.note,
                             recorded_by=c.recorded_by.get_username() if c.recorded_by else "",
                             recorded_at=c.recorded_at)
        for c in CaseCircumstance.objects.filter(case=case).select_related("recorded_by")
        .order_by("code")
    ]
