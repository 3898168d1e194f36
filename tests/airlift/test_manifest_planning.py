"""Planning manifests in the database: who gets a seat, re-planning, and the cases' statuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from safepassage.accounts.models import Role
from safepassage.airlift import services
from safepassage.airlift.models import Flight, FlightStatus, PlanRun, Seat
from safepassage.audit.models import AuditEntry
from safepassage.registry.models import Case, Status
from tests.airlift.conftest import DAY, family

pytestmark = pytest.mark.django_db


def seat_of(case: Case) -> Seat | None:
    return Seat.objects.exclude(gate=Seat.Gate.NO_SHOW).filter(case=case).first()


def test_planning_puts_the_highest_priorities_on_the_flight_and_manifests_their_cases(
    officer, make_ready_case, make_flight
) -> None:
    high = make_ready_case(*family("Ahmadi", 3), priority=5)
    middle = make_ready_case(*family("Karimi", 3), priority=3)
    low = make_ready_case(*family("Noori", 3), priority=1)
    flight = make_flight(6)

    run = services.plan_manifests(actor=officer)

    assert {seat_of(c).flight for c in (high, middle)} == {flight}
    assert seat_of(low) is None
    for case, status in ((high, Status.MANIFESTED), (middle, Status.MANIFESTED),
                         (low, Status.APPROVED)):
        case.refresh_from_db()
        assert case.status == status
    assert run.objective == 5 * 3 + 3 * 3
    assert run.bound >= run.objective
    assert run.households_placed == 2 and run.people_placed == 6
    assert AuditEntry.objects.filter(action="airlift.planned").count() == 1


def test_a_household_without_a_readiness_date_is_not_planned(
    officer, make_ready_case, make_flight
) -> None:
    not_ready = make_ready_case(priority=5, ready_at=None)
    make_flight(50)
    services.plan_manifests(actor=officer)
    assert seat_of(not_ready) is None


def test_a_household_is_planned_only_on_flights_after_its_readiness_date(
    officer, make_ready_case, make_flight
) -> None:
    case = make_ready_case(priority=5, ready_at=DAY + dt.timedelta(hours=5))
    make_flight(50, hours=1)
    later = make_flight(50, hours=10)
    services.plan_manifests(actor=officer)
    assert seat_of(case).flight == later


def test_a_missing_priority_plans_last(officer, make_ready_case, make_flight) -> None:
    unscored = make_ready_case(*family("Unscored", 2), priority=None)
    scored = make_ready_case(*family("Scored", 2), priority=1)
    make_flight(2)
    services.plan_manifests(actor=officer)
    assert seat_of(scored) is not None and seat_of(unscored) is None


def test_infants_under_two_travel_on_a_lap_and_a_stretcher_takes_extra_seats(
    officer, make_ready_case, make_flight
) -> None:
    with_infant = make_ready_case(*family("Sultani", 3, infants=1), priority=2)
    stretcher = make_ready_case(*family("Hakimi", 1), priority=2, extra_seats=2)
    make_flight(5)
    services.plan_manifests(actor=officer)
    assert (seat_of(with_infant).people, seat_of(with_infant).seats) == (3, 2)
    assert (seat_of(stretcher).people, seat_of(stretcher).seats) == (1, 3)


def test_a_restricted_flight_carries_only_its_categories(
    officer, make_ready_case, make_flight
) -> None:
    citizen = make_ready_case(priority=1, category="citizen", family="Citizen")
    interpreter = make_ready_case(priority=5, category="interpreter", family="Interp")
    ally = make_flight(10, allowed=("citizen", "permanent_resident"), operator="ally")
    services.plan_manifests(actor=officer)
    assert seat_of(citizen).flight == ally
    assert seat_of(interpreter) is None


def test_cancelling_a_flight_moves_only_its_households_and_lists_exactly_who(
    officer, make_ready_case, make_flight
) -> None:
    first, second = make_flight(4, hours=1), make_flight(8, hours=5)
    cases = [make_ready_case(*family(f"Fam{i}", 2), priority=p)
             for i, p in enumerate([5, 4, 3, 2])]
    services.plan_manifests(actor=officer)
    before = {c.pk: seat_of(c).flight_id for c in cases}
    on_first = {c.reference for c in cases if before[c.pk] == first.pk}
    assert on_first

    run = services.cancel_flight(actor=officer, flight=first)

    assert run.reason == PlanRun.Reason.CANCELLED
    assert {m["case"] for m in run.moves} == on_first
    assert all(m["from"] == first.code for m in run.moves)
    for c in cases:
        if before[c.pk] == second.pk:
            assert seat_of(c).flight_id == second.pk
    first.refresh_from_db()
    assert first.status == FlightStatus.CANCELLED
    assert not Seat.objects.filter(flight=first).exists()
    taken = sum(s.seats for s in Seat.objects.filter(flight=second))
    assert taken <= second.seats
    # Whoever lost their seat for good is waiting again, approved.
    for m in run.moves:
        case = Case.objects.get(reference=m["case"])
        assert case.status == (Status.MANIFESTED if m["to"] else Status.APPROVED)


def test_fewer_seats_move_only_as_many_households_as_the_capacity_forces(
    officer, make_ready_case, make_flight
) -> None:
    flight = make_flight(6)
    cases = [make_ready_case(*family(f"Fam{i}", 2), priority=p) for i, p in enumerate([5, 3, 1])]
    services.plan_manifests(actor=officer)
    assert all(seat_of(c) for c in cases)
    run = services.change_seats(actor=officer, flight=flight, seats=4)
    assert run.moves == [{"case": cases[2].reference, "from": flight.code, "to": None}]


def test_a_delay_keeps_the_households_already_told(officer, make_ready_case, make_flight) -> None:
    flight = make_flight(6)
    cases = [make_ready_case(*family(f"Fam{i}", 2), priority=2) for i in range(3)]
    services.plan_manifests(actor=officer)
    run = services.delay_flight(actor=officer, flight=flight,
                                departs_at=flight.departs_at + dt.timedelta(hours=6))
    assert run.moves == []
    assert all(seat_of(c).flight == flight for c in cases)
    flight.refresh_from_db()
    assert flight.status == FlightStatus.DELAYED


def test_only_airlift_officers_plan(make_user, make_flight) -> None:
    for role in (Role.GATE_AGENT, Role.CASEWORKER, Role.PARTNER):
        with pytest.raises(PermissionDenied):
            services.plan_manifests(actor=make_user(role))


def test_boarding_and_no_shows_move_cases_and_standby_fills_freed_seats_in_priority_order(
    officer, make_ready_case, make_flight, make_user
) -> None:
    flight = make_flight(4)
    boarding = make_ready_case(*family("Board", 2), priority=5)
    absent = make_ready_case(*family("Absent", 2), priority=4)
    services.plan_manifests(actor=officer)
    standby_low = make_ready_case(*family("StandLow", 2), priority=1)
    standby_high = make_ready_case(*family("StandHigh", 2), priority=3)
    standby_big = make_ready_case(*family("StandBig", 3), priority=5)  # does not fit 2 seats
    gate_agent = make_user(Role.GATE_AGENT)
    services.set_flight_status(actor=officer, flight=flight, status=FlightStatus.BOARDING)
    flight.refresh_from_db()

    services.record_gate(actor=gate_agent, seat=seat_of(boarding), event=Seat.Gate.CHECKED_IN)
    services.record_gate(actor=gate_agent, seat=seat_of(boarding), event=Seat.Gate.BOARDED)
    services.record_gate(actor=gate_agent, seat=seat_of(absent), event=Seat.Gate.NO_SHOW)
    boarding.refresh_from_db()
    absent.refresh_from_db()
    assert boarding.status == Status.BOARDED
    assert absent.status == Status.NO_SHOW
    assert services.free_seats(flight) == 2
    assert [c.pk for c in services.standby_cases(flight)] == [
        standby_big.pk, standby_high.pk, standby_low.pk]

    filled = services.fill_from_standby(actor=officer, flight=flight)

    assert [s.case_id for s in filled] == [standby_high.pk]
    standby_high.refresh_from_db()
    assert standby_high.status == Status.MANIFESTED
    assert services.free_seats(flight) == 0
    assert AuditEntry.objects.filter(action="airlift.gate").count() == 3


def test_a_gate_agent_cannot_fill_standby_seats(make_flight, make_user) -> None:
    with pytest.raises(PermissionDenied):
        services.fill_from_standby(actor=make_user(Role.GATE_AGENT), flight=make_flight(4))


def test_a_boarding_flight_is_left_alone_by_a_new_plan(
    officer, make_ready_case, make_flight
) -> None:
    flight = make_flight(2)
    on_board = make_ready_case(*family("OnBoard", 2), priority=1)
    services.plan_manifests(actor=officer)
    services.set_flight_status(actor=officer, flight=flight, status=FlightStatus.BOARDING)
    make_ready_case(*family("Late", 2), priority=5)
    make_flight(0)
    run = services.plan_manifests(actor=officer)
    assert seat_of(on_board).flight == flight
    assert run.moves == []
    assert Flight.objects.get(pk=flight.pk).status == FlightStatus.BOARDING
