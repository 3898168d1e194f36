"""Every case says why it has its eligibility and priority: each rule that applied, with its
points, under which version of the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from safepassage.accounts import permissions
from safepassage.accounts.models import Role, User
from safepassage.registry.models import Case, Relationship
from safepassage.triage import selectors, services
from safepassage.triage.facts import Circumstance
from tests.conftest import person


def test_the_explanation_names_each_rule_that_applied_with_its_points(
    make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    case = make_case(category="interpreter")
    services.record_circumstance(actor=caseworker, case=case,
                                 code=Circumstance.PROOF_OF_SERVICE_VERIFIED)
    services.record_circumstance(actor=caseworker, case=case, code=Circumstance.MEDICAL_URGENCY,
                                 note="insulin-dependent child")

    why = selectors.explain_case(actor=caseworker, case=case)

    case.refresh_from_db()
    assert case.priority == 2
    assert why.eligible and why.priority == 2 and why.version == 1
    assert [(r.label, r.points) for r in why.applied] == [
        ("interpreter with verified service", 1), ("medical urgency", 1)]
    assert why.summary == "priority 2: interpreter with verified service +1, medical urgency +1"


def test_a_rule_that_did_not_apply_is_not_named(
    make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    case = make_case(category="citizen")
    services.rescore_cases(actor=permissions.TRIAGE, case_ids=[case.pk])

    why = selectors.explain_case(actor=caseworker, case=case)

    assert [r.label for r in why.applied] == ["citizen"]
    assert "medical" not in why.summary
    assert why.summary == "priority 3: citizen +3"


def test_an_interpreter_without_verified_service_is_told_no_rule_makes_them_eligible(
    make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    case = make_case(category="interpreter")
    services.rescore_cases(actor=permissions.TRIAGE, case_ids=[case.pk])

    why = selectors.explain_case(actor=caseworker, case=case)

    case.refresh_from_db()
    assert case.priority is None
    assert not why.eligible
    assert why.summary == "not eligible: no rule of version 1 makes this case eligible"


def test_an_excluding_rule_is_named_as_the_reason_for_ineligibility(
    make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    case = make_case(category="citizen")
    services.record_circumstance(actor=caseworker, case=case,
                                 code=Circumstance.SECURITY_VETTING_FAILED)

    why = selectors.explain_case(actor=caseworker, case=case)

    assert not why.eligible
    assert why.summary == "not eligible: security vetting failed"


def test_a_household_of_children_alone_counts_as_unaccompanied_from_birth_dates(
    make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    today = dt.date.today()
    teen = person(given_name="Mursal", birth_date=today.replace(year=today.year - 15))
    # Born "in" a year that makes him 17 or 18: a year-only date counts as a possible minor.
    brother = person(given_name="Jawad", relationship_to_head=Relationship.BROTHER,
                     birth_date=dt.date(today.year - 18, 1, 1),
                     birth_date_latest=dt.date(today.year - 18, 12, 31),
                     birth_date_precision="year")
    case = make_case(teen, brother, category="journalist")
    services.rescore_cases(actor=permissions.TRIAGE, case_ids=[case.pk])

    why = selectors.explain_case(actor=make_user(Role.CASEWORKER), case=case)

    assert why.summary == "priority 2: at risk for a public role +1, unaccompanied minor +1"


def test_time_already_waiting_counts_from_registration(
    make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    case = make_case(category="permanent_resident")
    later = case.created_at + dt.timedelta(days=8)
    services.rescore_cases(actor=permissions.TRIAGE, case_ids=[case.pk], now=later)

    why = selectors.explain_case(actor=make_user(Role.CASEWORKER), case=case)

    assert why.days_waiting == 8
    assert why.summary == "priority 3: permanent resident +2, waiting 7 days or more +1"
