"""Generated planning instances with the shapes of August 2021, for tests, the demo and bench.

Many singles, a mean household near six, families up to fifteen; some infants on a lap and a few
stretcher cases; readiness dates over the fortnight; flights of own aircraft, an ally's plane
restricted to our evacuees, and charters restricted to some categories.
"""

from __future__ import annotations

import datetime as dt
import random

from safepassage.airlift.planner import FlightOffer, HouseholdDemand

START = dt.datetime(2021, 8, 15, 2, 0, tzinfo=dt.UTC)  # 06:30 in Kabul
KABUL_MIDNIGHT = dt.datetime(2021, 8, 14, 19, 30, tzinfo=dt.UTC)  # 15 August 00:00 in Kabul
DAYS = 12
CATEGORIES = [
    "citizen", "permanent_resident", "family_of_citizen", "interpreter", "former_employee",
    "human_rights_defender", "journalist", "woman_leader", "persecuted_minority",
]
CATEGORY_WEIGHTS = [8, 6, 10, 20, 15, 10, 8, 8, 15]
OUR_EVACUEES = frozenset(CATEGORIES[:3])
AT_RISK = frozenset(CATEGORIES[3:])


def household_size(rng: random.Random) -> int:
    if rng.random() < 0.22:
        return 1
    return max(2, min(15, round(rng.gauss(7.3, 2.8))))


def generate_households(n: int, *, seed: int = 1) -> list[HouseholdDemand]:
    rng = random.Random(seed)
    result = []
    for i in range(n):
        people = household_size(rng)
        infants = min(people - 1, rng.choice([0, 0, 0, 1, 1, 2])) if people > 2 else 0
        stretcher = 2 if rng.random() < 0.01 else 0  # a stretcher takes three seats, not one
        # Readiness is a date (documents verified that day): midnight in Kabul, or already ready.
        day = rng.randint(-2, int(DAYS * 0.8))
        ready = None if day < 0 else KABUL_MIDNIGHT + dt.timedelta(days=day)
        result.append(
            HouseholdDemand(
                id=i + 1,
                people=people,
                seats=people - infants + stretcher,
                priority=rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 20, 12, 8])[0],
                ready_at=ready,
                category=rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS)[0],
            )
        )
    return result


def generate_flights(n: int, *, total_seats: int, seed: int = 2) -> list[FlightOffer]:
    """n flights sharing about total_seats, with a third of them restricted."""
    rng = random.Random(seed)
    mean = max(20, total_seats // max(1, n))
    flights = []
    for i in range(n):
        departs = START + dt.timedelta(hours=(i + rng.random()) * DAYS * 24 / n)
        kind = rng.random()
        allowed: frozenset[str] = frozenset()
        if kind < 0.15:
            allowed = OUR_EVACUEES  # the ally's plane: our evacuees only
        elif kind < 0.3:
            allowed = AT_RISK
        flights.append(
            FlightOffer(
                id=f"F{i + 1:03d}",
                seats=max(20, int(rng.uniform(0.6, 1.4) * mean)),
                departs_at=departs,
                allowed_categories=allowed,
            )
        )
    return flights
