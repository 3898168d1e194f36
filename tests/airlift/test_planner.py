"""The seat planner's promises, checked on hand-made and on generated instances (no database)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from safepassage.airlift.planner import (
    FlightOffer,
    HouseholdDemand,
    Plan,
    check_plan,
    plan_flights,
)
from safepassage.airlift.synthetic import generate_flights, generate_households

T0 = dt.datetime(2021, 8, 20, 6, 0, tzinfo=dt.UTC)


def hours(n: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=n)


def household(hid: int, people: int, priority: int, *, seats: int | None = None,
              ready: float | None = None, category: str = "interpreter") -> HouseholdDemand:
    return HouseholdDemand(
        id=hid, people=people, seats=people if seats is None else seats, priority=priority,
        ready_at=None if ready is None else hours(ready), category=category,
    )


def flight(fid: str, seats: int, at: float, allowed: set[str] | None = None) -> FlightOffer:
    return FlightOffer(id=fid, seats=seats, departs_at=hours(at),
                       allowed_categories=frozenset(allowed or ()))


@pytest.fixture(scope="module")
def generated() -> tuple[list[HouseholdDemand], list[FlightOffer]]:
    households = generate_households(3000, seed=7)
    seats = sum(h.seats for h in households)
    return households, generate_flights(40, total_seats=int(seats * 0.4), seed=8)


@pytest.fixture(scope="module")
def generated_plan(generated) -> Plan:
    households, flights = generated
    return plan_flights(households, flights, time_limit=3)


def test_no_plan_splits_a_household_or_overfills_a_flight(generated, generated_plan) -> None:
    households, flights = generated
    plan = generated_plan
    assert check_plan(households, flights, plan.assignments) == []
    seats_used: dict[str, int] = defaultdict(int)
    for h in households:
        if h.id in plan.assignments:
            seats_used[plan.assignments[h.id]] += h.seats
    assert all(seats_used[f.id] <= f.seats for f in flights)
    assert plan.placed > 0
    assert plan.objective <= plan.bound


def test_a_household_that_does_not_fit_whole_is_left_out_not_split() -> None:
    plan = plan_flights([household(1, 6, 5)], [flight("A", 4, 1), flight("B", 4, 2)])
    assert plan.assignments == {}


def test_infants_on_a_lap_take_no_seat_and_a_stretcher_takes_several() -> None:
    family_with_infant = household(1, 4, 1, seats=3)
    stretcher_case = household(2, 1, 1, seats=3)
    plan = plan_flights([family_with_infant, stretcher_case], [flight("A", 6, 1)])
    assert plan.assignments == {1: "A", 2: "A"}
    assert plan.objective == 5


def test_a_restricted_flight_carries_only_admitted_categories(generated, generated_plan) -> None:
    households, flights = generated
    plan = generated_plan
    category = {h.id: h.category for h in households}
    restricted = {f.id: f.allowed_categories for f in flights if f.allowed_categories}
    assert restricted, "the generated instance should have restricted flights"
    on_restricted = [(h, f) for h, f in plan.assignments.items() if f in restricted]
    assert on_restricted
    assert all(category[h] in restricted[f] for h, f in on_restricted)


def test_the_allys_plane_takes_our_evacuees_only_even_when_seats_stay_empty() -> None:
    households = [household(1, 2, 5, category="interpreter"),
                  household(2, 2, 1, category="citizen")]
    plan = plan_flights(households, [flight("ALLY", 10, 1, {"citizen"})])
    assert plan.assignments == {2: "ALLY"}


def test_a_household_is_never_planned_before_its_readiness_date(generated, generated_plan) -> None:
    households, flights = generated
    plan = generated_plan
    departs = {f.id: f.departs_at for f in flights}
    ready = {h.id: h.ready_at for h in households}
    assert any(ready[h] is not None for h in plan.assignments)
    for h, f in plan.assignments.items():
        assert ready[h] is None or ready[h] <= departs[f]


def test_a_household_ready_later_waits_for_a_later_flight() -> None:
    plan = plan_flights([household(1, 3, 5, ready=5)], [flight("EARLY", 10, 1),
                                                        flight("LATE", 10, 9)])
    assert plan.assignments == {1: "LATE"}


def test_a_higher_priority_household_is_never_left_behind_for_a_lower_one_of_its_size(
    generated, generated_plan,
) -> None:
    households, flights = generated
    plan = generated_plan
    by_flight: dict[str, list[HouseholdDemand]] = defaultdict(list)
    for h in households:
        if h.id in plan.assignments:
            by_flight[plan.assignments[h.id]].append(h)
    left_behind = [h for h in households if h.id not in plan.assignments]
    assert left_behind, "the generated instance has more people than seats"
    for f in flights:
        for low in by_flight[f.id]:
            for high in left_behind:
                assert not (
                    (high.seats, high.people) == (low.seats, low.people)
                    and high.priority > low.priority
                    and f.admits(high)
                ), f"household {high.id} left behind while {low.id} flies on {f.id}"


def test_the_highest_priorities_fly_when_seats_are_short() -> None:
    households = [household(i, 2, priority) for i, priority in enumerate([1, 5, 3, 4, 2])]
    plan = plan_flights(households, [flight("A", 4, 1)])
    assert sorted(plan.assignments) == [1, 3]


def test_among_equal_plans_higher_priorities_leave_earlier() -> None:
    plan = plan_flights([household(1, 2, 1), household(2, 2, 5)],
                        [flight("FIRST", 2, 1), flight("SECOND", 2, 5)])
    assert plan.assignments == {2: "FIRST", 1: "SECOND"}


def test_a_cancellation_moves_only_the_households_of_that_flight(generated, generated_plan) -> None:
    households, flights = generated
    first = generated_plan
    cancelled = flights[5].id
    remaining = [f for f in flights if f.id != cancelled]
    replan = plan_flights(households, remaining, previous=first.assignments, time_limit=3)
    on_cancelled = {h for h, f in first.assignments.items() if f == cancelled}
    assert on_cancelled
    assert {m.household for m in replan.moves} == on_cancelled
    for h, f in first.assignments.items():
        if f != cancelled:
            assert replan.assignments[h] == f
    assert check_plan(households, remaining, replan.assignments) == []


def test_a_cancellation_reseats_its_households_where_seats_are_free() -> None:
    households = [household(1, 3, 2), household(2, 2, 4), household(3, 1, 1)]
    flights = [flight("A", 5, 1), flight("B", 10, 5)]
    first = plan_flights(households, flights)
    assert first.assignments[2] == "A"
    replan = plan_flights(households, [flights[1]], previous=first.assignments)
    assert replan.assignments == {1: "B", 2: "B", 3: "B"}
    assert {(m.household, m.from_flight, m.to_flight) for m in replan.moves} == {
        (h, "A", "B") for h, f in first.assignments.items() if f == "A"
    }


def test_when_seats_shrink_only_as_many_as_the_capacity_forces_give_way() -> None:
    households = [household(1, 2, 5), household(2, 2, 3), household(3, 2, 1)]
    first = plan_flights(households, [flight("A", 6, 1)])
    assert len(first.assignments) == 3
    replan = plan_flights(households, [flight("A", 4, 1)], previous=first.assignments)
    assert [(m.household, m.to_flight) for m in replan.moves] == [(3, None)]
    assert replan.assignments == {1: "A", 2: "A"}


def test_a_delay_keeps_told_households_that_are_still_ready() -> None:
    households = [household(1, 2, 5, ready=0), household(2, 2, 3, ready=3)]
    first = plan_flights(households, [flight("A", 4, 4)])
    assert first.assignments == {1: "A", 2: "A"}
    delayed = plan_flights(households, [flight("A", 4, 6)], previous=first.assignments)
    assert delayed.moves == [] and delayed.assignments == first.assignments


def test_penalised_moves_are_made_only_when_they_gain_more_than_they_cost() -> None:
    # Household 1 (told flight B) blocks a big family that only B can take in time.
    households = [household(1, 1, 1), household(2, 4, 5, ready=2)]
    flights = [flight("A", 1, 1), flight("B", 4, 3)]
    previous = {1: "B"}
    stay = plan_flights(households, flights, previous=previous, move_penalty=100)
    assert stay.assignments == {1: "B"}
    move = plan_flights(households, flights, previous=previous, move_penalty=1)
    assert move.assignments == {1: "A", 2: "B"}
    assert [(m.household, m.from_flight, m.to_flight) for m in move.moves] == [(1, "B", "A")]
