"""A household the landing makes "arrived" has its resettlement file and milestones at once,
whether or not anyone reconciles its flight."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Status
from safepassage.resettlement.models import ArrivalRecord, CaseFile, Milestone, Programme
from tests.airlift.conftest import family

pytestmark = pytest.mark.django_db


def test_a_landed_flights_households_have_files_without_reconciliation(
    journey: Any, make_case: Any, programme: Programme,
) -> None:
    flight = journey.flight(seats=10)
    cases = [journey.approve(make_case(*family(name, 2))) for name in ("Haidari", "Rahimi")]
    for case in cases:
        journey.board(case, flight)
    landed = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

    journey.land(flight, at=landed)

    assert not ArrivalRecord.objects.filter(flight=flight).exists()
    for case in cases:
        case.refresh_from_db()
        assert case.status == Status.ARRIVED
        case_file = CaseFile.objects.get(case=case)
        assert case_file.arrived_on == landed.date()
        assert case_file.programme == programme
        due = sorted(Milestone.objects.filter(case_file=case_file)
                     .values_list("step__name", "due_on"))
        assert ("Met at arrival", landed.date()) in due
        assert len(due) == programme.steps.count()
    assert AuditEntry.objects.filter(action="resettlement.file_opened").count() == 2


def test_a_landing_without_a_default_programme_still_lands(
    journey: Any, make_case: Any,
) -> None:
    case = journey.walk(make_case(*family("Haidari", 2)), Status.ARRIVED)

    assert case.status == Status.ARRIVED
    assert not CaseFile.objects.filter(case=case).exists()
