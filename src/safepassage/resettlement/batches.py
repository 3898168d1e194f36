"""Placement in weekly batches over a year, against the capacity that remains, beside the
hindsight optimum (every arrival of the year known at once).

Placing each week's arrivals as well as possible on their own fills the places that score
best for everyone first, and later arrivals who need them more find them full. As in Annie
MOORE's dynamic placement, each week's batch sees capacity at a price: the LP's prices of
capacity for a sample of the families still expected this year (drawn from a forecast, for
example last year's arrivals) on the matching share of the remaining capacity. A family goes
now only where its score is worth more than the room it takes; one who is worth more later
waits for next week's batch (never past the last week).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from safepassage.resettlement.placement import (
    Family,
    Place,
    capacity_prices,
    place_families,
)

WEEKS = 52


@dataclass(frozen=True)
class Arrival:
    family: Family
    week: int  # 0 .. WEEKS - 1


@dataclass
class YearResult:
    policy: str
    objective: float  # sum of the scores of the families placed over the year
    placed: int
    unplaced: int
    seconds: float
    assignments: dict[object, object]


def _remaining(places: Sequence[Place], used: dict[int, list[Family]]) -> list[Place]:
    """The places with what the families placed so far took away; each family takes the
    smallest housing unit that houses it (largest families first, which keeps the rest
    feasible for nested unit sizes)."""
    result = []
    for j, place in enumerate(places):
        taken = used.get(j, [])
        children = place.children - sum(f.children for f in taken)
        adults = place.adults - sum(f.adults for f in taken)
        seniors = place.seniors - sum(f.seniors for f in taken)
        units = dict(place.housing_units)
        if units:
            for f in sorted(taken, key=lambda f: -f.size):
                fitting = [s for s in sorted(units) if s >= f.size and units[s] > 0]
                if fitting:
                    units[fitting[0]] -= 1
        result.append(dataclasses.replace(
            place, children=children, adults=adults, seniors=seniors,
            housing_units=tuple(sorted((s, c) for s, c in units.items()))))
    return result


def run_year(
    arrivals: Sequence[Arrival],
    places: Sequence[Place],
    scores: np.ndarray,
    *,
    forecast: Sequence[Family] = (),
    forecast_scores: np.ndarray | None = None,
    expected_arrivals: int | None = None,
    sample_size: int = 1500,
    seed: int = 0,
    time_limit: float = 10.0,
) -> YearResult:
    """Weekly batches over the year. `scores` is arrivals x places (NaN: no score). With a
    forecast (families like those expected, with their scores), capacity is priced each week
    from it; without, each week is placed on its own ("myopic")."""
    started = time.monotonic()
    rng = np.random.default_rng(seed)
    expected = expected_arrivals if expected_arrivals is not None else len(arrivals)
    place_no = {p.id: j for j, p in enumerate(places)}
    used: dict[int, list[Family]] = {}
    assignments: dict[object, object] = {}
    waiting: list[int] = []
    objective = 0.0
    for week in range(WEEKS):
        waiting += [i for i, a in enumerate(arrivals) if a.week == week]
        if not waiting:
            continue
        remaining = _remaining(places, used)
        prices = None
        still_to_come = expected * (WEEKS - week - 1) / WEEKS
        if forecast and forecast_scores is not None and still_to_come >= 1:
            size = min(sample_size, len(forecast), max(1, round(still_to_come)))
            sample = np.sort(rng.choice(len(forecast), size=size, replace=False))
            prices = capacity_prices(
                [forecast[k] for k in sample], remaining, forecast_scores[sample],
                share=size / still_to_come, time_limit=time_limit)
        batch = [arrivals[i].family for i in waiting]
        result = place_families(batch, remaining, scores[waiting], time_limit=time_limit,
                                prices=prices)
        placed_now = set()
        for local, i in enumerate(waiting):
            fid = batch[local].id
            if fid in result.assignments:
                j = place_no[result.assignments[fid]]
                used.setdefault(j, []).append(batch[local])
                assignments[fid] = result.assignments[fid]
                objective += float(scores[i, j])
                placed_now.add(i)
        waiting = [i for i in waiting if i not in placed_now]
    return YearResult(
        policy="capacity priced from a forecast" if forecast else "each week on its own",
        objective=objective, placed=len(assignments), unplaced=len(waiting),
        seconds=time.monotonic() - started, assignments=assignments)


def hindsight(arrivals: Sequence[Arrival], places: Sequence[Place], scores: np.ndarray,
              *, time_limit: float = 25.0) -> YearResult:
    """Every arrival of the year placed at once: what a planner who knew the year could do."""
    started = time.monotonic()
    families = [a.family for a in arrivals]
    result = place_families(families, places, scores, time_limit=time_limit)
    return YearResult(policy="hindsight (the whole year at once)", objective=result.objective,
                      placed=len(result.assignments), unplaced=len(result.unplaced),
                      seconds=time.monotonic() - started, assignments=result.assignments)
