"""Weekly batches against the capacity that remains, beside the hindsight optimum."""

from __future__ import annotations

import numpy as np

from safepassage.resettlement.batches import Arrival, hindsight, run_year
from safepassage.resettlement.placement import Family, Place, check_placement


def test_all_arrivals_in_one_week_is_the_hindsight_placement() -> None:
    families = [Family(f"F{i}", 1, 2, 0) for i in range(8)]
    places = [Place("P1", 2, 4, 0), Place("P2", 3, 6, 0)]
    scores = np.array([[0.1 * (i % 5), 0.05 * i] for i in range(8)])
    arrivals = [Arrival(f, 0) for f in families]
    assert run_year(arrivals, places, scores).objective == hindsight(
        arrivals, places, scores).objective


def test_weeks_never_overfill_the_year_and_housing_units_are_used_up() -> None:
    families = [Family(f"F{i}", 1, 1, 0) for i in range(6)]
    places = [Place("P1", 9, 9, 0, housing_units=((2, 2),)), Place("P2", 1, 1, 0)]
    scores = np.full((6, 2), 0.5)
    arrivals = [Arrival(f, week) for week, f in enumerate(families)]
    year = run_year(arrivals, places, scores)
    assert year.placed == 3  # two units at P1, one family's room at P2
    assert check_placement(families, places, scores, year.assignments) == []


def test_prices_from_a_forecast_keep_the_scarce_place_for_who_needs_it_later() -> None:
    # Week 0: families who do almost as well anywhere. Week 1: families who only do well at
    # P1 (the only place with medical care they need is P1 too). Myopic fills P1 in week 0.
    early = [Family(f"E{i}", 0, 1, 0) for i in range(3)]
    late = [Family(f"L{i}", 0, 1, 0, needs=frozenset({"medical_care"})) for i in range(3)]
    places = [Place("P1", 0, 3, 0, services=frozenset({"medical_care"})), Place("P2", 0, 3, 0)]
    scores = np.array([[0.6, 0.5]] * 3 + [[0.9, 0.9]] * 3)
    arrivals = [Arrival(f, 0) for f in early] + [Arrival(f, 1) for f in late]
    myopic = run_year(arrivals, places, scores)
    priced = run_year(arrivals, places, scores, forecast=late * 20,
                      forecast_scores=np.array([[0.9, 0.9]] * 60), expected_arrivals=3 * 52)
    best = hindsight(arrivals, places, scores)
    assert myopic.objective < best.objective
    assert priced.objective == best.objective
