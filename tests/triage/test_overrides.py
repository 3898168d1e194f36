"""A supervisor can override one case's eligibility or priority, with a reason, audited; the
override survives re-scoring until cleared."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safepassage.accounts.models import Role, User
from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Case
from safepassage.triage import selectors, services
from safepassage.triage.models import Assessment


def test_an_override_sets_the_priority_and_says_who_and_why(
    make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    case = make_case(category="other")
    services.rescore_cases(actor=supervisor)

    services.override_case(actor=supervisor, case=case, eligible=True, priority=4,
                           reason="Local staff guard, attested by the defence attaché")
    services.rescore_cases(actor=supervisor)

    case.refresh_from_db()
    why = selectors.explain_case(actor=supervisor, case=case)
    assert case.priority == 4
    assert why.summary == (f"priority 4, set by {supervisor.username} (the rules say not "
                           "eligible: no rule of version 1 makes this case eligible)")
    assert why.override_reason.startswith("Local staff guard")
    entry = AuditEntry.objects.get(action="case.overridden", object_id=case.reference)
    assert entry.details["priority_to"] == 4
    assert "guard" not in str(entry.details), "the reason stays out of the audit details"


def test_clearing_an_override_returns_the_case_to_the_rules(
    make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    supervisor = make_user(Role.SUPERVISOR)
    case = make_case(category="citizen")
    services.override_case(actor=supervisor, case=case, eligible=False, priority=None,
                           reason="Already left by land")
    case.refresh_from_db()
    assert case.priority is None

    services.clear_override(actor=supervisor, case=case, reason="Still in Kabul after all")

    case.refresh_from_db()
    assert case.priority == 3
    assert not Assessment.objects.get(case=case).is_overridden


def test_an_override_needs_a_reason_and_a_supervisor(
    make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    case = make_case(category="citizen")
    scored = case.priority  # by the rules, at registration
    with pytest.raises(ValidationError):
        services.override_case(actor=make_user(Role.SUPERVISOR), case=case, eligible=None,
                               priority=9, reason="  ")
    with pytest.raises(PermissionDenied):
        services.override_case(actor=make_user(Role.CASEWORKER), case=case, eligible=None,
                               priority=9, reason="I think so")
    case.refresh_from_db()
    assert case.priority == scored != 9


def test_a_priority_alone_cannot_be_given_to_a_case_the_rules_find_not_eligible(
    make_user: Callable[..., User], make_case: Callable[..., Case]
) -> None:
    case = make_case(category="other")
    with pytest.raises(ValidationError, match="choose “Eligible” as well"):
        services.override_case(actor=make_user(Role.SUPERVISOR), case=case, eligible=None,
                               priority=3, reason="Embassy cleaner")
    case.refresh_from_db()
    assert case.priority is None
