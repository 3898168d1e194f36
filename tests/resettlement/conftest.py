"""Households brought to a landed flight, a default programme, places and hosts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from safepassage.accounts.models import Role, User
from safepassage.airlift import services as airlift
from safepassage.airlift.models import Flight, FlightStatus, Seat
from safepassage.registry.models import Case
from safepassage.registry.services import PersonData
from safepassage.resettlement import services
from safepassage.resettlement.models import Doer, Place, Programme
from tests.airlift import conftest as airlift_fixtures
from tests.airlift.conftest import DAY

# The airlift tests' households and flights, shared here.
officer = airlift_fixtures.officer
make_ready_case = airlift_fixtures.make_ready_case
make_flight = airlift_fixtures.make_flight

LANDED = DAY + dt.timedelta(hours=5)
ARRIVAL_DAY = LANDED.date()


@pytest.fixture
def resettler(make_user: Callable[..., User]) -> User:
    return make_user(Role.CASEWORKER)


@pytest.fixture
def programme(resettler: User) -> Programme:
    return services.create_programme(actor=resettler, name="Afghan resettlement", is_default=True,
                                     steps=[
        services.StepSpec("Met at arrival", 0),
        services.StepSpec("First home visit", 1, done_by=Doer.HOST),
        services.StepSpec("Health screening", 10),
        services.StepSpec("School enrolment", 30, done_by=Doer.HOST),
        services.StepSpec("Outcome check-in at 90 days", 90, required=False),
    ])


@pytest.fixture
def fly(officer: User, make_flight: Callable[..., Flight], make_user: Callable[..., User]
        ) -> Callable[..., Flight]:
    """Put households on one flight, board those named, depart and land it (airlift's
    landing: its boarded households arrive)."""
    gate = make_user(Role.GATE_AGENT)

    def make(*cases: Case, board: tuple[Case, ...] | None = None, seats: int = 40) -> Flight:
        flight = make_flight(seats)
        airlift.plan_manifests(actor=officer)
        airlift.set_flight_status(actor=officer, flight=flight, status=FlightStatus.BOARDING)
        for seat in Seat.objects.filter(flight=flight).select_related("case", "flight"):
            if board is None or seat.case in board:
                airlift.record_gate(actor=gate, seat=seat, event=Seat.Gate.BOARDED)
        airlift.set_flight_status(actor=officer, flight=flight, status=FlightStatus.DEPARTED)
        airlift.record_landing(actor=officer, flight=flight, landed_at=LANDED)
        flight.refresh_from_db()
        return flight

    return make


@pytest.fixture
def arrived_case(make_ready_case: Callable[..., Case], fly: Callable[..., Flight],
                 resettler: User, programme: Programme) -> Callable[..., Case]:
    """A household off a landed flight, every member recorded as arrived."""

    def make(*members: PersonData, name: str = "Ahmadzai", size: int = 3) -> Case:
        case = make_ready_case(*(members or airlift_fixtures.family(name, size)))
        flight = fly(case)
        services.open_reconciliation(actor=resettler, flight=flight)
        for record in flight.arrival_records.all():
            services.record_arrival(actor=resettler, record=record, outcome="arrived")
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def make_place(resettler: User) -> Callable[..., Place]:
    counter = iter(range(1, 1000))

    def make(**overrides: Any) -> Place:
        values: dict[str, Any] = {
            "name": f"Place {next(counter)}", "kind": Place.Kind.COMMUNITY,
            "period_start": dt.date(2021, 8, 1), "period_end": dt.date(2022, 7, 31),
            "children": 10, "adults": 10, "seniors": 4, "units_small": 3, "units_medium": 3,
            "units_large": 2, "services": [], "languages": []}
        values.update(overrides)
        return services.create_place(actor=resettler, **values)

    return make


@pytest.fixture
def make_host(make_user: Callable[..., User], resettler: User) -> Callable[[Place], User]:
    def make(place: Place) -> User:
        host = make_user(Role.HOST)
        services.add_host(actor=resettler, place=place, user=host)
        return host

    return make
