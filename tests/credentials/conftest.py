"""A household approved for evacuation, and the staff who issue and check its documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from safepassage.accounts.models import Role, User
from safepassage.airlift import services as airlift
from safepassage.airlift.models import Flight
from safepassage.registry.models import Case, Language, Relationship, Status
from safepassage.registry.services import change_case_status
from tests.conftest import Journey, person

FAMILY = [
    person(given_name="Zabihullah", family_name="Stanikzai", name_native="ذبیح الله ستانکزی",
           preferred_language=Language.DARI),
    person(given_name="Mariam", family_name="Stanikzai", name_native="مریم ستانکزی",
           relationship_to_head=Relationship.SPOUSE, birth_date=dt.date(1990, 1, 1),
           phones=[], tazkira_number="", passport_number=""),
    person(given_name="Ahmad", family_name="Stanikzai", relationship_to_head=Relationship.SON,
           birth_date=dt.date(2012, 3, 4), phones=[], tazkira_number="", passport_number=""),
    person(given_name="Fatima", family_name="Stanikzai",
           relationship_to_head=Relationship.DAUGHTER, birth_date=dt.date(2015, 5, 6),
           phones=[], tazkira_number="", passport_number=""),
]


@pytest.fixture
def approve(make_user: Callable[..., User]) -> Callable[[Case], Case]:
    def move(case: Case) -> Case:
        supervisor = make_user(Role.SUPERVISOR)
        for status in (Status.UNDER_REVIEW, Status.ELIGIBLE, Status.APPROVED):
            case = change_case_status(actor=supervisor, case=case, to_status=status)
        return case

    return move


@pytest.fixture
def approved_case(make_case: Callable[..., Case], approve: Callable[[Case], Case]) -> Case:
    return approve(make_case(*FAMILY))


@pytest.fixture
def caseworker(make_user: Callable[..., User]) -> User:
    return make_user(Role.CASEWORKER)


@pytest.fixture
def administrator(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMINISTRATOR)


def later(**delta: Any) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(**delta)


@pytest.fixture
def seat_on(journey: Journey) -> Callable[..., tuple[str, dt.date]]:
    """Seat an approved case on a real, scheduled flight (made if new) through airlift; returns
    the flight number and local departure date a boarding pass is issued for."""

    def seat(case: Case, code: str = "RCH871", days: int = 1) -> tuple[str, dt.date]:
        flight = Flight.objects.filter(code=code).first() or airlift.create_flight(
            actor=journey.officer, code=code, destination="ISB",
            departs_at=later(days=days), seats=50)
        journey.seat(case, flight)
        return flight.code, timezone.localdate(flight.departs_at)

    return seat
