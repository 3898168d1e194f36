"""`safepassage rescore` scores every case in one bulk pass; each case gets exactly the verdict it
would get alone, the version is recorded on each, and statuses are not moved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO

from django.core.management import call_command

from safepassage.accounts import permissions
from safepassage.accounts.models import Role, User
from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Case, Relationship, Status
from safepassage.triage import selectors, services
from safepassage.triage.facts import Circumstance
from safepassage.triage.models import ActiveRuleSet, Assessment
from tests.conftest import person


def test_scoring_all_at_once_gives_each_case_the_verdict_it_gets_alone(
    make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    child = person(given_name="Sana", birth_date=dt.date.today() - dt.timedelta(days=365 * 9))
    cases = [
        make_case(category="citizen"),
        make_case(category="interpreter"),
        make_case(category="interpreter"),
        make_case(category="journalist"),
        make_case(child, category="journalist"),
        make_case(person(), person(relationship_to_head=Relationship.SON), category="citizen"),
    ]
    services.record_circumstance(actor=caseworker, case=cases[2],
                                 code=Circumstance.PROOF_OF_SERVICE_VERIFIED)
    services.record_circumstance(actor=caseworker, case=cases[3],
                                 code=Circumstance.SPECIFIC_THREAT)
    alone = {}
    for case in cases:
        services.rescore_cases(actor=permissions.TRIAGE, case_ids=[case.pk])
        alone[case.pk] = selectors.explain_case(actor=caseworker, case=case).summary
    Assessment.objects.all().delete()

    out = StringIO()
    call_command("rescore", stdout=out)

    assert f"Scored {len(cases)} cases under rules version 1" in out.getvalue()
    together = {c.pk: selectors.explain_case(actor=caseworker, case=c).summary for c in cases}
    assert together == alone
    assert len(set(together.values())) == 5
    assert set(Assessment.objects.values_list("rule_set__version", flat=True)) == {1}


def test_rescoring_changes_no_status_and_audits_each_changed_priority(
    make_case: Callable[..., Case]
) -> None:
    cases = [make_case(category="citizen") for _ in range(3)] + [make_case(category="other")]
    services.rescore_cases(actor=permissions.TRIAGE)
    summary = services.rescore_cases(actor=permissions.TRIAGE)

    assert summary.changed == 0
    assert {c.status for c in Case.objects.all()} == {Status.REGISTERED}
    changed = AuditEntry.objects.filter(action="case.priority_changed")
    assert sorted(changed.values_list("object_id", flat=True)) == sorted(
        c.reference for c in cases[:3])
    assert AuditEntry.objects.filter(action="triage.rescored").count() == 2


def test_cases_registered_while_no_rules_were_in_force_can_be_scored_alone(
    make_case: Callable[..., Case],
) -> None:
    old = make_case(category="citizen")
    Case.objects.filter(pk=old.pk).update(priority=None)  # would be restored by a full re-score
    in_force = ActiveRuleSet.objects.get()
    ActiveRuleSet.objects.all().delete()
    new = make_case(category="permanent_resident")
    assert new.priority is None
    ActiveRuleSet.objects.create(pk=1, rule_set=in_force.rule_set)

    out = StringIO()
    call_command("rescore", "--unscored", stdout=out)

    assert "Scored 1 cases" in out.getvalue()
    assert Case.objects.get(pk=new.pk).priority == 2
    assert Case.objects.get(pk=old.pk).priority is None
