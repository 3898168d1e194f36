"""An airlift officer seats a household by hand within the flight's rules, and records the
landing: the households boarded on it arrive; nobody else does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from safepassage.accounts.models import Role
from safepassage.airlift import services
from safepassage.airlift.models import FlightStatus, Seat
from safepassage.registry.models import Case, Status
from tests.conftest import Journey, make_ready, person

pytestmark = pytest.mark.django_db


def test_a_seat_by_hand_respects_capacity_restrictions_and_readiness(
    make_case: Callable[..., Case], journey: Journey
) -> None:
    family = journey.approve(make_case(person(), person(given_name="Sara"),
                                       person(given_name="Omid")))
    small = journey.flight(seats=2)
    with pytest.raises(ValidationError, match="not ready"):
        services.assign_seat(actor=journey.officer, case=family, flight=small)
    make_ready(journey.officer, family, ready_at=small.departs_at)
    with pytest.raises(ValidationError) as full:
        services.assign_seat(actor=journey.officer, case=family, flight=small)
    assert "2 seats left" in str(full.value)
    citizens_only = journey.flight(seats=50, allowed=("citizen",))
    with pytest.raises(ValidationError, match="does not admit"):
        services.assign_seat(actor=journey.officer, case=family, flight=citizens_only)
    family.refresh_from_db()
    assert family.status == Status.APPROVED and not Seat.objects.exists()

    seat = services.assign_seat(actor=journey.officer, case=family,
                                flight=journey.flight(seats=3))
    family.refresh_from_db()
    assert family.status == Status.MANIFESTED and seat.people == 3


def test_a_landing_makes_the_boarded_households_arrive_and_no_one_else(
    make_case: Callable[..., Case], journey: Journey
) -> None:
    flight = journey.flight(seats=10)
    boarded = journey.approve(make_case())
    journey.board(boarded, flight)
    missed = journey.approve(make_case(person(given_name="Late")))
    journey.no_show(missed, flight)
    with pytest.raises(ValidationError, match="Only a departed flight lands"):
        services.record_landing(actor=journey.officer, flight=flight)

    flight.refresh_from_db()
    services.set_flight_status(actor=journey.officer, flight=flight,
                               status=FlightStatus.DEPARTED)
    landing = services.record_landing(actor=journey.officer, flight=flight)

    assert landing.arrived == 1
    boarded.refresh_from_db()
    missed.refresh_from_db()
    assert (boarded.status, missed.status) == (Status.ARRIVED, Status.NO_SHOW)


def test_the_officer_records_the_landing_and_seats_on_the_flight_page(
    make_case: Callable[..., Case], journey: Journey, client_for: Any
) -> None:
    client, officer = client_for(Role.AIRLIFT_OFFICER)
    flight = journey.flight(seats=10)
    case = journey.approve(make_case())
    make_ready(officer, case, ready_at=flight.departs_at)
    page = client.post(f"/airlift/flights/{flight.pk}/assign/",
                       {"reference": case.reference}, follow=True)
    assert f"{case.reference} has a seat on {flight.code}" in page.content.decode()
    seat = Seat.objects.get(case=case)
    services.set_flight_status(actor=officer, flight=flight, status=FlightStatus.BOARDING)
    services.record_gate(actor=journey.gate_agent, seat=seat, event="boarded")
    services.set_flight_status(actor=officer, flight=flight, status=FlightStatus.DEPARTED)

    page = client.get(f"/airlift/flights/{flight.pk}/")
    assert 'id="landing"' in page.content.decode()
    page = client.post(f"/airlift/flights/{flight.pk}/landed/", follow=True)
    assert "1 households arrived" in page.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ARRIVED
