"""The figures that come from record linkage and the airlift: unique persons, seats per flight."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from safepassage.accounts.models import Role, User
from safepassage.airlift.models import FlightStatus, Seat
from safepassage.airlift.services import create_flight, set_flight_status
from safepassage.dashboard import selectors
from safepassage.linkage.models import PersonCluster
from safepassage.registry.models import Case, Person
from tests.conftest import person

pytestmark = pytest.mark.django_db
KABUL = ZoneInfo("Asia/Kabul")


def test_unique_persons_count_each_linked_cluster_once(make_case: Callable[..., Case]) -> None:
    first = make_case(person(given_name="Zabihullah"), person(given_name="Mariam"))
    again = make_case(person(given_name="Zabihullah"))  # the same man, registered by a cousin
    make_case(person(given_name="Omid"))
    before = {r.key: r for r in selectors.picture(max_age=0).funnel}
    assert before["unique"].people == 4 and before["unique"].note, "linkage not run yet"

    zabih = next(p.pk for p in first.household.members.all() if p.given_name == "Zabihullah")
    duplicate = again.household.members.get().pk
    PersonCluster.objects.bulk_create([PersonCluster(person_id=zabih, cluster_id=zabih),
                                       PersonCluster(person_id=duplicate, cluster_id=zabih)])

    after = {r.key: r for r in selectors.picture(max_age=0).funnel}
    assert after["registered"].people == Person.objects.count() == 4
    assert after["unique"].people == 3
    assert after["unique"].note == ""


def test_seats_offered_allocated_used_and_wasted_per_flight(
    make_case: Callable[..., Case], make_user: Callable[..., User]
) -> None:
    officer = make_user(Role.AIRLIFT_OFFICER)
    morning = create_flight(actor=officer, code="RCH871", destination="DOH", seats=10,
                            departs_at=dt.datetime(2021, 8, 20, 9, tzinfo=KABUL))
    evening = create_flight(actor=officer, code="RCH872", destination="ISB", seats=8,
                            departs_at=dt.datetime(2021, 8, 20, 21, tzinfo=KABUL))
    create_flight(actor=officer, code="ALLY500", destination="DOH", seats=500,
                  departs_at=dt.datetime(2021, 8, 27, 10, tzinfo=KABUL))
    for flight, size, gate in [(morning, 4, Seat.Gate.BOARDED), (morning, 3, Seat.Gate.BOARDED),
                               (morning, 2, Seat.Gate.NO_SHOW),
                               (evening, 5, Seat.Gate.EXPECTED)]:
        case = make_case(*[person(given_name=f"P{i}") for i in range(size)])
        Seat.objects.create(case=case, flight=flight, people=size, seats=size, gate=gate)
    set_flight_status(actor=officer, flight=morning, status=FlightStatus.BOARDING)
    set_flight_status(actor=officer, flight=morning, status=FlightStatus.DEPARTED)

    rows = {f.label: f for f in selectors.flight_seats()}
    assert (rows["RCH871"].offered, rows["RCH871"].allocated, rows["RCH871"].used,
            rows["RCH871"].wasted) == (10, 7, 7, 3)
    assert (rows["RCH872"].offered, rows["RCH872"].allocated, rows["RCH872"].used,
            rows["RCH872"].wasted) == (8, 5, 0, None), "not departed: nothing wasted yet"
    assert (rows["ALLY500"].allocated, rows["ALLY500"].used) == (0, 0)
    assert [f.label for f in selectors.flight_seats(on=dt.date(2021, 8, 20))] == [
        "RCH871", "RCH872"]
