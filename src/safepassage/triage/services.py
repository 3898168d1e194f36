"""Changes to triage: drafting, importing and publishing rule sets, re-scoring cases, recording
circumstances and overriding one case. Permission checks and audit entries live here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.registry.models import Case, Person
from safepassage.triage.facts import AGE_FACTS, Circumstance, age_facts
from safepassage.triage.models import (
    ActiveRuleSet,
    Assessment,
    CaseCircumstance,
    Rule,
    RuleSet,
    final_priority,
)
from safepassage.triage.rulebook import RuleSpec, parse_rule_set, score
from safepassage.triage.selectors import active_rule_set

CHUNK = 2000
DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "rules" / "default.yaml"


# --- Rule sets -------------------------------------------------------------------------------

def _write_rules(rule_set: RuleSet, rules: Sequence[RuleSpec]) -> None:
    Rule.objects.bulk_create([
        Rule(rule_set=rule_set, position=n, label=r.label, categories=list(r.categories),
             all_of=list(r.all_of), any_of=list(r.any_of), none_of=list(r.none_of),
             min_days_waiting=r.min_days_waiting, eligibility=r.eligibility, points=r.points)
        for n, r in enumerate(rules, start=1)
    ])


def start_draft(*, actor: Actor, based_on: RuleSet | None = None) -> RuleSet:
    """A new draft, a copy of `based_on` (by default the active version) to edit."""
    permissions.require(actor, permissions.EDIT_RULES)
    source = based_on or active_rule_set()
    with transaction.atomic():
        draft = RuleSet.objects.create(
            name=source.name if source else "", notes=source.notes if source else "",
            based_on=source, created_by=permissions.user_of(actor),
        )
        if source:
            _write_rules(draft, [r.spec() for r in source.rules.all()])
        audit.record(actor=actor, action="triage.draft_started", object_type="rule_set",
                     object_id=draft.pk,
                     details={"based_on_version": source.version if source else None})
    return draft


def replace_draft_rules(*, actor: Actor, draft: RuleSet, name: str, notes: str,
                        rules: Sequence[RuleSpec]) -> RuleSet:
    """Save a draft's name, notes and whole list of rules (the edit form sends them all)."""
    permissions.require(actor, permissions.EDIT_RULES)
    with transaction.atomic():
        draft = RuleSet.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise ValidationError(_("Version %(v)s is published and cannot change; start a "
                                    "draft from it.") % {"v": draft.version})
        draft.name, draft.notes = name[:200], notes
        draft.save(update_fields=["name", "notes"])
        draft.rules.all().delete()
        _write_rules(draft, rules)
        audit.record(actor=actor, action="triage.draft_edited", object_type="rule_set",
                     object_id=draft.pk, details={"rules": len(rules)})
    return draft


def import_rule_set(*, actor: Actor, text: str, publish: bool = False) -> RuleSet:
    """A draft from YAML text (RuleSetError lists every problem); published at once if asked."""
    permissions.require(actor, permissions.EDIT_RULES)
    parsed = parse_rule_set(text)
    with transaction.atomic():
        draft = RuleSet.objects.create(name=parsed.name, notes=parsed.notes,
                                       created_by=permissions.user_of(actor))
        _write_rules(draft, parsed.rules)
        audit.record(actor=actor, action="triage.rules_imported", object_type="rule_set",
                     object_id=draft.pk, details={"rules": len(parsed.rules)})
        if publish:
            draft = publish_rule_set(actor=actor, draft=draft)
    return draft


def publish_rule_set(*, actor: Actor, draft: RuleSet) -> RuleSet:
    """Freeze a draft as the next version and make it the active one. Cases keep the version
    they were scored under until re-scored (rescore_cases)."""
    permissions.require(actor, permissions.EDIT_RULES)
    with transaction.atomic():
        draft = RuleSet.objects.select_for_update().get(pk=draft.pk)
        if draft.is_published:
            raise ValidationError(_("Version %(v)s is already published.") % {"v": draft.version})
        if not draft.rules.exists():
            raise ValidationError(_("This draft has no rules: add at least one before "
                                    "publishing."))
        # Lock the pointer so that two supervisors publishing at once get versions in turn.
        _lock_pointer()
        latest = RuleSet.objects.aggregate(v=Max("version"))["v"] or 0
        RuleSet.objects.filter(pk=draft.pk).update(
            state=RuleSet.State.PUBLISHED, version=latest + 1,
            published_by=permissions.user_of(actor), published_at=timezone.now(),
        )
        draft.refresh_from_db()
        _point_to(actor=actor, rule_set=draft)
        audit.record(actor=actor, action="triage.rules_published", object_type="rule_set",
                     object_id=draft.pk, details={"version": draft.version})
    return draft


def activate_rule_set(*, actor: Actor, rule_set: RuleSet) -> RuleSet:
    """Put an earlier published version back in force (for example to undo a bad change)."""
    permissions.require(actor, permissions.EDIT_RULES)
    if not rule_set.is_published:
        raise ValidationError(_("Only a published version can be put in force; publish the "
                                "draft first."))
    with transaction.atomic():
        _point_to(actor=actor, rule_set=rule_set)
        audit.record(actor=actor, action="triage.rules_activated", object_type="rule_set",
                     object_id=rule_set.pk, details={"version": rule_set.version})
    return rule_set


def _point_to(*, actor: Actor, rule_set: RuleSet) -> None:
    ActiveRuleSet.objects.update_or_create(
        pk=1, defaults={"rule_set": rule_set, "activated_by": permissions.user_of(actor)}
    )


# --- Scoring ---------------------------------------------------------------------------------

@dataclass
class RescoreSummary:
    version: int
    cases: int
    changed: int
    seconds: float

    def __str__(self) -> str:
        rate = self.cases / self.seconds if self.seconds else 0
        return _("Scored %(cases)s cases under rules version %(v)s: the priority of "
                 "%(changed)s changed (%(s).2f s, %(rate).0f cases/s).") % {
            "cases": self.cases, "v": self.version, "changed": self.changed,
            "s": self.seconds, "rate": rate}


def _age_facts_by_household(household_ids: Sequence[int] | None, today: dt.date
                            ) -> dict[int, set[str]]:
    """Derived age facts per household, decrypting birth dates in one pass over the people.

    Reads the raw columns and decrypts through the fields themselves, which skips the ORM's
    per-row machinery (the bulk of the time at 100k people).
    """
    earliest_field = Person._meta.get_field("birth_date")
    latest_field = Person._meta.get_field("birth_date_latest")
    table = Person._meta.db_table
    sql = f"SELECT household_id, birth_date, birth_date_latest FROM {table}"  # noqa: S608
    batches: list[Sequence[int] | None] = (
        [None] if household_ids is None
        else [household_ids[i:i + CHUNK] for i in range(0, len(household_ids), CHUNK)]
    )
    ranges: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    with connection.cursor() as cursor:
        for batch in batches:
            if batch is None:
                cursor.execute(sql)
            else:
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(f"{sql} WHERE household_id IN ({marks})", list(batch))
            for household_id, earliest, latest in cursor.fetchall():
                ranges[household_id].append((
                    earliest_field.from_db_value(earliest, None, connection),
                    latest_field.from_db_value(latest, None, connection),
                ))
    return {h: age_facts(r, on=today) for h, r in ranges.items()}


def rescore_cases(*, actor: Actor, case_ids: Sequence[int] | None = None,
                  now: dt.datetime | None = None) -> RescoreSummary:
    """Score every case (or the given ones) under the active rule set, in bulk.

    Writes each case's assessment (rule version, rules applied, points) and Case.priority;
    overrides stay in force. Each case whose priority changed gets an audit entry. Case status
    is not moved: the verdict is a recommendation for a supervisor's decision.
    """
    permissions.require(actor, permissions.SCORE_CASES)
    return _rescore(actor=actor, case_ids=case_ids, now=now)


def _rescore(*, actor: Actor, case_ids: Sequence[int] | None, now: dt.datetime | None
             ) -> RescoreSummary:
    """Read, score and write in one transaction holding the rule-set pointer's lock, so that an
    override or a circumstance recorded meanwhile waits and is never overwritten."""
    with transaction.atomic():
        return _rescore_locked(actor=actor, case_ids=case_ids, now=now)


def _lock_pointer() -> RuleSet | None:
    pointer = (ActiveRuleSet.objects.select_for_update().select_related("rule_set")
               .filter(pk=1).first())
    return pointer.rule_set if pointer else None


def _rescore_locked(*, actor: Actor, case_ids: Sequence[int] | None, now: dt.datetime | None
                    ) -> RescoreSummary:
    started = time.perf_counter()
    rule_set = _lock_pointer()
    if rule_set is None:
        raise ValidationError(_("No rule set is in force: import or publish one first."))
    now = now or timezone.now()
    rules = [r.spec() for r in rule_set.rules.all()]
    uses_ages = _uses_ages(rules)

    cases = Case.objects.all()
    if case_ids is not None:
        cases = cases.filter(pk__in=list(case_ids))
    rows = list(cases.values_list("pk", "household_id", "category", "created_at", "priority",
                                  "reference"))
    ids = [r[0] for r in rows] if case_ids is not None else None
    circumstances: dict[int, set[str]] = defaultdict(set)
    circ_rows = CaseCircumstance.objects.all()
    if ids is not None:
        circ_rows = circ_rows.filter(case_id__in=ids)
    for case_id, code in circ_rows.values_list("case_id", "code"):
        circumstances[case_id].add(code)
    ages = (_age_facts_by_household([r[1] for r in rows] if ids is not None else None,
                                    now.date()) if uses_ages else {})
    previous = Assessment.objects.all()
    if ids is not None:
        previous = previous.filter(case_id__in=ids)
    existing = set(previous.values_list("case_id", flat=True))
    overrides = {
        case_id: (eligible, priority)
        for case_id, eligible, priority in previous.filter(overridden_at__isnull=False)
        .values_list("case_id", "override_eligible", "override_priority")
    }

    scored = _score_rows(rules, rule_set, rows, circumstances=circumstances, ages=ages,
                         overrides=overrides, now=now)
    _write_scores(actor, rule_set, scored, now=now, existing=existing)
    summary = RescoreSummary(version=rule_set.version or 0, cases=len(rows),
                             changed=len(scored.new_priority), seconds=0.0)
    audit.record(actor=actor, action="triage.rescored", object_type="rule_set",
                 object_id=rule_set.pk,
                 details={"version": rule_set.version, "cases": summary.cases,
                          "changed": summary.changed, "all": case_ids is None})
    summary.seconds = time.perf_counter() - started
    return summary


def score_registered(*, actor: Actor, cases: Sequence[Case], people: Sequence[Person]) -> int:
    """Score households just registered under the rule set in force, in the registration's
    transaction (triage.subscribers); the number of cases scored (none while no rule set is
    in force: `safepassage rescore --unscored` scores them later).

    New cases have no circumstance, override or assessment yet, and the birth dates of their
    people are at hand: a few queries for the whole batch, none per case. The rule-set pointer is
    read, not locked, so that registrations never queue behind one another on it; a version
    published meanwhile finds these cases scored under the one before, as it finds every case
    until it is re-scored.
    """
    permissions.require(actor, permissions.SCORE_CASES)
    rule_set = active_rule_set() if cases else None
    if rule_set is None:
        return 0
    now = timezone.now()
    rules = [r.spec() for r in rule_set.rules.all()]
    ages: dict[int, set[str]] = {}
    if _uses_ages(rules):
        ranges: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
        for person in people:
            ranges[person.household_id].append((person.birth_date, person.birth_date_latest))
        ages = {h: age_facts(r, on=now.date()) for h, r in ranges.items()}
    rows = [(c.pk, c.household_id, c.category, c.created_at, c.priority, c.reference)
            for c in cases]
    scored = _score_rows(rules, rule_set, rows, circumstances={}, ages=ages, overrides={},
                         now=now)
    _write_scores(actor, rule_set, scored, now=now, existing=set())
    for case in cases:
        case.priority = scored.new_priority.get(case.pk, case.priority)
    return len(rows)


def _uses_ages(rules: Sequence[RuleSpec]) -> bool:
    return any(f in AGE_FACTS for r in rules for f in (*r.all_of, *r.any_of, *r.none_of))


Verdict = tuple[bool, int, tuple[Any, ...]]  # eligible, points, the rules applied


@dataclass
class _Scores:
    outcomes: dict[Verdict, list[int]]  # the cases of each verdict
    new_priority: dict[int, int | None]  # cases whose priority changes, and to what
    events: list[dict[str, Any]]  # their audit entries


def _score_rows(
    rules: Sequence[RuleSpec], rule_set: RuleSet,
    rows: Sequence[tuple[int, int, str, dt.datetime, int | None, str]], *,
    circumstances: dict[int, set[str]], ages: dict[int, set[str]],
    overrides: dict[int, tuple[bool | None, int | None]], now: dt.datetime,
) -> _Scores:
    """The verdict of each case (id, household, category, registered at, priority, reference)
    and the priorities that change."""
    thresholds = sorted({r.min_days_waiting for r in rules if r.min_days_waiting is not None})
    verdicts: dict[tuple[Any, ...], Verdict] = {}
    outcomes: dict[Verdict, list[int]] = defaultdict(list)
    new_priority: dict[int, int | None] = {}
    events = []
    for case_id, household_id, category, created_at, old_priority, reference in rows:
        days = max(0, (now - created_at).days)
        facts = frozenset(circumstances.get(case_id, set()) | ages.get(household_id, set()))
        # Cases alike in category, facts and waiting thresholds passed share one verdict.
        key = (category, facts, sum(days >= t for t in thresholds))
        verdict = verdicts.get(key)
        if verdict is None:
            outcome = score(rules, category=category, facts=facts, days_waiting=days)
            verdict = verdicts[key] = (outcome.eligible, outcome.points, tuple(outcome.applied))
        outcomes[verdict].append(case_id)
        override_eligible, override_priority = overrides.get(case_id, (None, None))
        priority = final_priority(eligible=verdict[0], points=verdict[1],
                                  override_eligible=override_eligible,
                                  override_priority=override_priority)
        if priority != old_priority:
            new_priority[case_id] = priority
            events.append({
                "action": "case.priority_changed", "object_type": "case", "object_id": reference,
                "details": {"from": old_priority, "to": priority,
                            "rule_version": rule_set.version},
            })
    return _Scores(outcomes=outcomes, new_priority=new_priority, events=events)


def _write_scores(actor: Actor, rule_set: RuleSet, scores: _Scores, *, now: dt.datetime,
                  existing: set[int]) -> None:
    _write_assessments(scores.outcomes, rule_set=rule_set, now=now, existing=existing)
    _write_priorities(scores.new_priority)
    for start in range(0, len(scores.events), CHUNK):
        audit.record_many(actor=actor, events=scores.events[start:start + CHUNK])


def _write_assessments(outcomes: dict[Verdict, list[int]], *,
                       rule_set: RuleSet, now: dt.datetime, existing: set[int]) -> None:
    """One UPDATE per distinct verdict and chunk of cases (a few dozen verdicts in all), and a
    bulk insert for cases scored for the first time. Overrides are left as they are."""
    for (eligible, points, applied), case_ids in outcomes.items():
        known = [c for c in case_ids if c in existing]
        for start in range(0, len(known), CHUNK):
            Assessment.objects.filter(case_id__in=known[start:start + CHUNK]).update(
                rule_set=rule_set, eligible=eligible, points=points, applied_rules=list(applied),
                scored_at=now)
        Assessment.objects.bulk_create(
            [Assessment(case_id=c, rule_set=rule_set, eligible=eligible, points=points,
                        applied_rules=list(applied), scored_at=now)
             for c in case_ids if c not in existing],
            batch_size=CHUNK,
        )


def _write_priorities(new_priority: dict[int, int | None]) -> None:
    """Case.priority in one UPDATE per distinct value and chunk (a handful of values in all)."""
    by_value: dict[int | None, list[int]] = defaultdict(list)
    for case_id, priority in new_priority.items():
        by_value[priority].append(case_id)
    for priority, case_ids in by_value.items():
        for start in range(0, len(case_ids), CHUNK):
            Case.objects.filter(pk__in=case_ids[start:start + CHUNK]).update(priority=priority)


# --- One case: circumstances and overrides ---------------------------------------------------

def _rescore_one(actor: Actor, case: Case) -> None:
    """Score one case after a change to it (the caller has checked the actor's permission)."""
    if active_rule_set() is not None:
        _rescore(actor=actor, case_ids=[case.pk], now=None)
        case.refresh_from_db(fields=["priority"])


def record_circumstance(*, actor: Actor, case: Case, code: str, note: str = "") -> Case:
    """A caseworker records a circumstance of the case (it is re-scored at once)."""
    permissions.require(actor, permissions.REVIEW_CASES)
    if code not in Circumstance.values:
        raise ValidationError(_("Unknown circumstance “%(code)s”.") % {"code": code})
    with transaction.atomic():
        CaseCircumstance.objects.update_or_create(
            case=case, code=code, defaults={"note": note, "recorded_by": permissions.user_of(actor)}
        )
        audit.record(actor=actor, action="case.circumstance_recorded", object_type="case",
                     object_id=case.reference, details={"code": code, "with_note": bool(note)})
        _rescore_one(actor, case)
    return case


def remove_circumstance(*, actor: Actor, case: Case, code: str) -> Case:
    permissions.require(actor, permissions.REVIEW_CASES)
    with transaction.atomic():
        deleted, _rows = CaseCircumstance.objects.filter(case=case, code=code).delete()
        if deleted:
            audit.record(actor=actor, action="case.circumstance_removed", object_type="case",
                         object_id=case.reference, details={"code": code})
            _rescore_one(actor, case)
    return case


def override_case(*, actor: Actor, case: Case, eligible: bool | None, priority: int | None,
                  reason: str) -> Assessment:
    """A supervisor sets this case's eligibility and/or priority, whatever the rules say.

    `None` keeps the rules' verdict for that part. The override survives re-scoring until
    cleared; the reason is required and kept encrypted, the fact of it is audited.
    """
    permissions.require(actor, permissions.DECIDE_ELIGIBILITY)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you override the rules for this case.")})
    if eligible is None and priority is None:
        raise ValidationError(_("Choose an eligibility or a priority to override, or clear "
                                "the override."))
    if priority is not None and not 0 <= priority <= 32767:
        raise ValidationError({"priority": _("Priority must be a whole number from 0.")})
    with transaction.atomic():
        _lock_pointer()  # wait for a re-score under way, so that it cannot undo this override
        assessment = _assessment_for(actor, case)
        if priority is not None and eligible is None and not assessment.eligible:
            raise ValidationError({"eligible": _(
                "The rules find this case not eligible, so a priority alone would not count: "
                "choose “Eligible” as well.")})
        assessment.override_eligible, assessment.override_priority = eligible, priority
        assessment.override_reason = reason.strip()
        assessment.overridden_by = permissions.user_of(actor)
        assessment.overridden_at = timezone.now()
        assessment.save()
        _apply_final(actor=actor, case=case, assessment=assessment, action="case.overridden",
                     extra={"eligible": eligible, "priority": priority})
    return assessment


def clear_override(*, actor: Actor, case: Case, reason: str) -> Assessment:
    permissions.require(actor, permissions.DECIDE_ELIGIBILITY)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the rules should decide this case again.")})
    with transaction.atomic():
        _lock_pointer()
        assessment = _assessment_for(actor, case)
        assessment.override_eligible = assessment.override_priority = None
        assessment.override_reason = reason.strip()
        assessment.overridden_by = permissions.user_of(actor)
        assessment.overridden_at = None
        assessment.save()
        _apply_final(actor=actor, case=case, assessment=assessment,
                     action="case.override_cleared", extra={})
    return assessment


def _assessment_for(actor: Actor, case: Case) -> Assessment:
    assessment = Assessment.objects.select_for_update().filter(case=case).first()
    if assessment is None:
        _rescore_one(actor, case)
        assessment = Assessment.objects.select_for_update().filter(case=case).first()
    if assessment is None:
        raise ValidationError(_("No rule set is in force yet, so this case has no assessment to "
                                "override. Publish a rule set first."))
    return assessment


def _apply_final(*, actor: Actor, case: Case, assessment: Assessment, action: str,
                 extra: dict[str, Any]) -> None:
    old = Case.objects.filter(pk=case.pk).values_list("priority", flat=True).get()
    new = assessment.final_priority
    Case.objects.filter(pk=case.pk).update(priority=new)
    case.priority = new
    audit.record(actor=actor, action=action, object_type="case", object_id=case.reference,
                 details={**extra, "priority_from": old, "priority_to": new})
