"""Milestones from the programme's template, due from the arrival date, each done by the role
that does it; a case becomes resettled only when its required milestones are done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Status
from safepassage.resettlement import selectors, services
from safepassage.resettlement.models import CaseFile, Milestone, Offer
from tests.resettlement.conftest import ARRIVAL_DAY

pytestmark = pytest.mark.django_db


def _milestones(case) -> dict[str, Milestone]:
    return {m.step.name: m for m in Milestone.objects.filter(case_file__case=case)
            .select_related("step", "case_file")}


def _accepted_by_host(case, make_place, make_host, resettler):
    place = make_place()
    host = make_host(place)
    offer = services.override_placement(actor=resettler, case=case, place=place,
                                        reason="Her brother lives there")
    services.answer_offer(actor=host, offer=offer, accept=True)
    return host


def test_milestones_are_due_so_many_days_after_the_arrival(arrived_case) -> None:
    case = arrived_case()
    due = {name: m.due_on for name, m in _milestones(case).items()}
    assert due == {
        "Met at arrival": ARRIVAL_DAY,
        "First home visit": ARRIVAL_DAY + dt.timedelta(days=1),
        "Health screening": ARRIVAL_DAY + dt.timedelta(days=10),
        "School enrolment": ARRIVAL_DAY + dt.timedelta(days=30),
        "Outcome check-in at 90 days": ARRIVAL_DAY + dt.timedelta(days=90),
    }


def test_a_case_is_resettled_only_when_its_required_milestones_are_done(
        arrived_case, resettler, make_place, make_host) -> None:
    case = arrived_case()
    host = _accepted_by_host(case, make_place, make_host, resettler)
    steps = _milestones(case)
    for name in ("Met at arrival", "Health screening"):
        services.complete_milestone(actor=resettler, milestone=steps[name])
    services.complete_milestone(actor=host, milestone=steps["First home visit"])
    case.refresh_from_db()
    assert case.status == Status.ARRIVED  # school enrolment is still open

    services.complete_milestone(actor=host, milestone=steps["School enrolment"],
                                note="Enrolled in grade 4")
    case.refresh_from_db()
    assert case.status == Status.RESETTLED
    assert case.history.last().reason == "Every required milestone of Afghan resettlement is done."
    assert CaseFile.objects.get(case=case).resettled_on is not None
    # The optional 90-day check-in stays open and did not hold the case back.
    assert _milestones(case)["Outcome check-in at 90 days"].done_at is None


def test_each_milestone_is_done_by_the_role_that_does_it(arrived_case, resettler, make_place,
                                                        make_host, make_user) -> None:
    case = arrived_case()
    host = _accepted_by_host(case, make_place, make_host, resettler)
    other_host = make_host(make_place())
    steps = _milestones(case)

    with pytest.raises(PermissionDenied, match="done by the host"):
        services.complete_milestone(actor=resettler, milestone=steps["First home visit"])
    with pytest.raises(PermissionDenied, match="done by the resettlement caseworker"):
        services.complete_milestone(actor=host, milestone=steps["Health screening"])
    with pytest.raises(PermissionDenied):
        services.complete_milestone(actor=other_host, milestone=steps["First home visit"])
    with pytest.raises(PermissionDenied):
        services.complete_milestone(actor=make_user(Role.AIRLIFT_OFFICER),
                                    milestone=steps["Met at arrival"])

    services.complete_milestone(actor=host, milestone=steps["First home visit"])
    with pytest.raises(ValidationError, match="already recorded as done"):
        services.complete_milestone(actor=host, milestone=steps["First home visit"])
    assert AuditEntry.objects.filter(action="resettlement.milestone_done",
                                     object_id=case.reference).count() == 1


def test_a_programme_needs_a_required_milestone(resettler) -> None:
    with pytest.raises(ValidationError, match="at least one milestone as required"):
        services.create_programme(actor=resettler, name="Empty", steps=[
            services.StepSpec("Outcome check-in", 90, required=False)])


def test_due_and_overdue_lists_per_caseworker_and_per_host(arrived_case, resettler, make_place,
                                                          make_host) -> None:
    case = arrived_case()
    services.set_case_file(actor=resettler, case=case, caseworker=resettler)
    host = _accepted_by_host(case, make_place, make_host, resettler)
    today = ARRIVAL_DAY + dt.timedelta(days=5)

    mine = selectors.due_for_caseworker(actor=resettler, today=today)
    assert [m.step.name for m in mine.overdue] == ["Met at arrival"]
    assert [m.step.name for m in mine.due] == ["Health screening"]
    theirs = selectors.due_for_host(actor=host, today=today)
    assert [m.step.name for m in theirs.overdue] == ["First home visit"]
    assert theirs.due == []
    assert Offer.objects.get(case=case).state == Offer.State.ACCEPTED


def test_resettled_is_refused_by_a_click_and_by_evidence_while_a_milestone_is_open(
        arrived_case, make_user) -> None:
    from safepassage.registry.services import InvalidTransition, change_case_status

    case = arrived_case()
    with pytest.raises(InvalidTransition):
        change_case_status(actor=make_user(Role.ADMINISTRATOR), case=case,
                           to_status=Status.RESETTLED)
    file = CaseFile.objects.get(case=case)
    with pytest.raises(InvalidTransition, match="required milestones are still open"):
        services.resettle_with_milestones(case=case, programme=file.programme)
    case.refresh_from_db()
    assert case.status == Status.ARRIVED
