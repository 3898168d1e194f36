"""Arrival reconciled per flight and per person: manifested, boarded, arrived; discrepancies
listed for a decision; placeholder data flagged; the case arrives from the facts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safepassage.registry.models import Status
from safepassage.resettlement import selectors, services
from safepassage.resettlement.models import ArrivalRecord, CaseFile
from tests.airlift.conftest import family
from tests.conftest import person
from tests.resettlement.conftest import ARRIVAL_DAY

pytestmark = pytest.mark.django_db


def test_the_landing_lists_every_manifested_person_with_what_the_gate_recorded(
        make_ready_case, fly, resettler, programme) -> None:
    boarded, stayed = make_ready_case(*family("Ahmadzai", 3)), make_ready_case(*family("Safi", 2))
    flight = fly(boarded, stayed, board=(boarded,))
    services.open_reconciliation(actor=resettler, flight=flight)

    picture = selectors.reconciliation(actor=resettler, flight=flight)
    assert (picture.manifested, picture.boarded, picture.arrived) == (5, 3, 0)
    assert {r.discrepancy for r in picture.rows if r.record.case == stayed} == {"not_boarded"}


def test_a_flight_not_yet_landed_is_not_reconciled(make_flight, resettler, programme) -> None:
    with pytest.raises(ValidationError, match="has not landed; airlift records the landing"):
        services.open_reconciliation(actor=resettler, flight=make_flight(10))


def test_the_landing_makes_the_household_arrive_and_opens_its_file_which_reconciliation_keeps(
        make_ready_case, fly, resettler, programme) -> None:
    case = make_ready_case(*family("Ahmadzai", 2))
    flight = fly(case)
    case.refresh_from_db()
    assert case.status == Status.ARRIVED  # airlift's landing (registry.facts)
    opened = CaseFile.objects.get(case=case)  # decision 0117: every arrived household has one
    assert opened.arrived_on == ARRIVAL_DAY
    services.open_reconciliation(actor=resettler, flight=flight)
    first, _second = flight.arrival_records.all()

    services.record_arrival(actor=resettler, record=first, outcome="arrived")
    assert CaseFile.objects.get(case=case).pk == opened.pk
    assert CaseFile.objects.get(case=case).arrived_on == ARRIVAL_DAY


def test_missing_extra_and_different_people_are_listed_for_a_decision(
        make_ready_case, fly, resettler, programme) -> None:
    case = make_ready_case(*family("Ahmadzai", 3))
    stowaway = make_ready_case(*family("Safi", 1), ready_at=None)
    flight = fly(case)
    services.open_reconciliation(actor=resettler, flight=flight)
    services.add_unexpected_household(actor=resettler, flight=flight, case=stowaway)
    a, b, c = ArrivalRecord.objects.filter(flight=flight, case=case)
    services.record_arrival(actor=resettler, record=a, outcome="arrived")
    services.record_arrival(actor=resettler, record=b, outcome="missing")
    services.record_arrival(actor=resettler, record=c, outcome="different")
    extra = ArrivalRecord.objects.get(flight=flight, case=stowaway)
    services.record_arrival(actor=resettler, record=extra, outcome="arrived")

    picture = selectors.reconciliation(actor=resettler, flight=flight)
    assert sorted(r.discrepancy for r in picture.to_decide) == ["different", "extra", "missing"]

    with pytest.raises(ValidationError, match="Write what was decided"):
        services.decide_discrepancy(actor=resettler, record=b, decision="  ")
    services.decide_discrepancy(actor=resettler, record=b, decision="Travels on the next flight")
    picture = selectors.reconciliation(actor=resettler, flight=flight)
    assert sorted(r.discrepancy for r in picture.to_decide) == ["different", "extra"]
    stowaway.refresh_from_db()
    assert stowaway.status == Status.APPROVED  # not moved: it never boarded
    assert not CaseFile.objects.filter(case=stowaway).exists()


def test_placeholder_data_is_flagged_for_correction(make_ready_case, fly, resettler,
                                                    programme) -> None:
    case = make_ready_case(
        person(given_name="Zabihullah", birth_date=dt.date(1980, 1, 1)),
        person(given_name="Farida", tazkira_number="", passport_number="",
               relationship_to_head="spouse"),
        person(given_name="ذبیح", family_name="", relationship_to_head="son"),
        person(given_name="Maryam", relationship_to_head="daughter",
               birth_date=dt.date(2010, 1, 1), birth_date_precision="year"),
    )
    flight = fly(case)
    services.open_reconciliation(actor=resettler, flight=flight)

    flags = {r.name: r.flags for r in selectors.reconciliation(actor=resettler,
                                                               flight=flight).rows}
    assert flags["Zabihullah Stanikzai"] == ["birth_1_january"]
    assert flags["Farida Stanikzai"] == ["no_document_number"]
    assert flags["ذبیح"] == ["no_latin_name"]
    assert flags["Maryam Stanikzai"] == []  # a year-only birth is a range, not a placeholder


def test_reading_a_flights_reconciliation_is_audited(arrived_case, resettler) -> None:
    from safepassage.audit.models import AuditEntry

    case = arrived_case()
    flight = ArrivalRecord.objects.filter(case=case).first().flight
    selectors.reconciliation(actor=resettler, flight=flight)
    assert AuditEntry.objects.filter(action="resettlement.reconciliation_read",
                                     object_id=flight.code).exists()
