"""The placement optimiser: families never split, capacity in every dimension, the hard rules,
reasons for everyone left out, and the objective against the LP bound and brute force."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import numpy as np
import pytest

from safepassage.resettlement.placement import (
    Family,
    Place,
    check_placement,
    lp_bound,
    place,
    place_families,
    place_greedily,
    solve_lp,
)


def family(fid: str, children: int = 0, adults: int = 1, seniors: int = 0, *,
           needs: Sequence[str] = (), languages: Sequence[str] = (),
           ties: Sequence[str] = (), preferences: Sequence[str] = ()) -> Family:
    return Family(fid, children, adults, seniors, needs=frozenset(needs),
                  languages=frozenset(languages), ties=frozenset(ties),
                  preferences=tuple(preferences))


def room(pid: str, children: int = 10, adults: int = 10, seniors: int = 10, *,
         services: Sequence[str] = (), languages: Sequence[str] = (),
         units: Sequence[tuple[int, int]] = ()) -> Place:
    return Place(pid, children, adults, seniors, services=frozenset(services),
                 languages=frozenset(languages), housing_units=tuple(units))


def test_it_never_splits_a_family_even_when_half_of_it_would_fit() -> None:
    big = family("F1", children=3, adults=2)
    result = place_families([big], [room("P1", children=2), room("P2", children=2)],
                            {("F1", "P1"): 1.0, ("F1", "P2"): 1.0})
    assert result.assignments == {}
    assert "larger" in result.unplaced["F1"]
    assert result.bound == 0


@pytest.mark.parametrize("group", ["children", "adults", "seniors"])
def test_it_keeps_capacity_in_each_age_group(group: str) -> None:
    members = {"children": 0, "adults": 1, "seniors": 0} | {group: 2}
    families = [Family(f"F{i}", **members) for i in range(3)]
    capacity = {"children": 9, "adults": 9, "seniors": 9} | {group: 5}
    places = [Place("P1", **capacity)]
    result = place_families(families, places, {(f.id, "P1"): 1.0 for f in families})
    assert len(result.assignments) == 2  # 2 + 2 of 5; a third would need 6
    assert check_placement(families, places, {(f.id, "P1"): 1.0 for f in families},
                           result.assignments) == []
    (left,) = result.unplaced.values()
    assert left.startswith("capacity gone: the 1 place(s) it may go to (P1)")


def test_housing_units_by_size_take_one_family_each_and_a_big_one_needs_a_big_unit() -> None:
    families = [family("small", adults=2), family("big", children=4, adults=2),
                family("small2", adults=2)]
    places = [room("P1", units=[(2, 1), (6, 1)])]
    scores = {(f.id, "P1"): 1.0 for f in families}
    result = place_families(families, places, scores)
    # Two units: the big family must have the six-person unit, one small family the other.
    assert result.assignments["big"] == "P1"
    assert len(result.assignments) == 2
    assert check_placement(families, places, scores, result.assignments) == []
    too_big = place_families([family("huge", children=6, adults=2)], places,
                             {("huge", "P1"): 1.0})
    assert "housing units" in too_big.unplaced["huge"]


def test_a_family_with_ties_goes_only_to_one_of_its_places() -> None:
    families = [family("F1", ties=["P2"])]
    scores = {("F1", "P1"): 0.9, ("F1", "P2"): 0.1}
    result = place_families(families, [room("P1"), room("P2")], scores)
    assert result.assignments == {"F1": "P2"}
    nowhere = place_families([family("F1", ties=["P2"])], [room("P1"), room("P2")],
                             {("F1", "P1"): 0.9})
    assert nowhere.unplaced["F1"] == ("it has ties to P2 and none of them has a score for it")


def test_needs_are_met_only_where_the_service_exists() -> None:
    families = [family("F1", needs=["medical_care", "accessible_housing"])]
    places = [room("P1", services=["medical_care"]),
              room("P2", services=["medical_care", "accessible_housing", "school"])]
    scores = {("F1", "P1"): 0.9, ("F1", "P2"): 0.2}
    assert place_families(families, places, scores).assignments == {"F1": "P2"}
    left = place_families(families, places[:1], {("F1", "P1"): 0.9})
    assert left.unplaced["F1"] == (
        "no place it may go to offers all of its needs (accessible_housing, medical_care)")


def test_a_family_goes_only_where_one_of_its_languages_is_spoken() -> None:
    families = [family("F1", languages=["pus", "eng"])]
    places = [room("P1", languages=["prs"]), room("P2", languages=["prs", "pus"])]
    scores = {("F1", "P1"): 0.9, ("F1", "P2"): 0.2}
    assert place_families(families, places, scores).assignments == {"F1": "P2"}
    left = place_families(families, places[:1], {("F1", "P1"): 0.9})
    assert left.unplaced["F1"] == (
        "no place that meets its needs speaks any of its languages (eng, pus)")


def test_an_empty_language_list_on_either_side_means_no_language_rule() -> None:
    places = [room("P1", languages=[]), room("P2", languages=["prs"])]
    families = [family("speaks", languages=["uzb"]), family("silent", languages=[])]
    scores = {("speaks", "P1"): 0.5, ("silent", "P2"): 0.5}
    assert place_families(families, places, scores).assignments == {
        "speaks": "P1", "silent": "P2"}


def test_a_family_goes_only_where_a_score_is_given() -> None:
    result = place_families([family("F1"), family("F2")], [room("P1")], {("F1", "P1"): 0.0})
    assert result.assignments == {"F1": "P1"}  # a score of 0 is a score
    assert result.unplaced == {"F2": "no score was given for it at any place"}


def test_every_unplaced_family_says_why() -> None:
    families = [family(f"F{i}", children=1, adults=2,
                       needs=["school"] if i % 3 == 0 else [],
                       languages=["prs"] if i % 2 else ["pus"]) for i in range(30)]
    places = [room("P1", children=4, adults=8, services=["school"], languages=["prs"]),
              room("P2", children=3, adults=6, languages=["pus"])]
    scores = {(f.id, p.id): 0.3 for f in families for p in places}
    result = place_families(families, places, scores)
    assert set(result.assignments) | set(result.unplaced) == {f.id for f in families}
    assert not set(result.assignments) & set(result.unplaced)
    reasons = set(result.unplaced.values())
    assert any(r.startswith("no place that meets its needs speaks") for r in reasons)
    assert any(r.startswith("capacity gone") for r in reasons)


def test_the_highest_scores_win_scarce_room() -> None:
    families = [family(f"F{i}") for i in range(5)]
    scores = {(f"F{i}", "P1"): 0.1 * (i + 1) for i in range(5)}
    result = place_families(families, [room("P1", adults=2)], scores)
    assert set(result.assignments) == {"F3", "F4"}
    assert result.objective == pytest.approx(0.9)
    assert result.bound == pytest.approx(0.9)


def test_stated_preferences_break_near_ties_only() -> None:
    asks = family("F1", preferences=["P2"])
    near = {("F1", "P1"): 0.50, ("F1", "P2"): 0.48}
    assert place_families([asks], [room("P1"), room("P2")], near).assignments == {"F1": "P2"}
    far = {("F1", "P1"): 0.60, ("F1", "P2"): 0.30}
    assert place_families([asks], [room("P1"), room("P2")], far).assignments == {"F1": "P1"}


def random_instance(seed: int, n: int, m: int) -> tuple[list[Family], list[Place], dict]:
    rng = random.Random(seed)
    families = [
        family(f"F{i}", children=rng.randint(0, 3), adults=rng.randint(1, 2),
               seniors=rng.choice([0, 0, 1]), needs=rng.choice([[], [], ["medical_care"]]),
               languages=rng.choice([["prs"], ["pus"], ["prs", "pus"], []]),
               ties=rng.choice([[], [], [], [f"P{rng.randrange(m)}"]]))
        for i in range(n)
    ]
    places = [
        room(f"P{j}", children=rng.randint(0, 6), adults=rng.randint(1, 5),
             seniors=rng.randint(0, 2), services=rng.choice([[], ["medical_care"]]),
             languages=rng.choice([["prs"], ["pus"], []]),
             units=rng.choice([(), ((3, 1), (6, 1))]))
        for j in range(m)
    ]
    scores = {(f.id, p.id): round(rng.random(), 3) for f in families for p in places
              if rng.random() < 0.8}
    return families, places, scores


def brute_force(families: list[Family], places: list[Place], scores: dict) -> float:
    best = 0.0
    for choice in itertools.product([None, *places], repeat=len(families)):
        assignments = {f.id: p.id for f, p in zip(families, choice, strict=True)
                       if p is not None}
        if check_placement(families, places, scores, assignments) or any(
                (f, p) not in scores for f, p in assignments.items()):
            continue
        best = max(best, sum(scores[(f, p)] for f, p in assignments.items()))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_small_instances_reach_the_brute_force_optimum(seed: int) -> None:
    families, places, scores = random_instance(seed, n=6, m=3)
    result = place_families(families, places, scores)
    assert check_placement(families, places, scores, result.assignments) == []
    optimum = brute_force(families, places, scores)
    assert result.objective == pytest.approx(optimum, abs=1e-9)
    assert optimum <= result.bound + 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_objective_never_exceeds_the_bound_and_greedy_never_beats_the_optimiser(
        seed: int) -> None:
    families, places, scores = random_instance(100 + seed, n=120, m=8)
    result = place_families(families, places, scores, time_limit=10)
    greedy = place_greedily(families, places, scores)
    assert check_placement(families, places, scores, result.assignments) == []
    assert check_placement(families, places, scores, greedy.assignments) == []
    assert result.bound_is_exact
    assert result.objective <= result.bound + 1e-6
    assert result.bound == pytest.approx(lp_bound(families, places, scores))
    assert greedy.objective <= result.objective + 1e-9
    assert result.objective == pytest.approx(
        sum(scores[(f, p)] for f, p in result.assignments.items()))


def test_a_large_instance_is_solved_on_its_margin_and_the_bound_is_the_lp() -> None:
    # Above SAMPLE_ABOVE families the exact LP (solve_lp) is solved on the marginal families
    # only; its value must still be the LP's (checked against the LP of every family at once).
    # The placement there works from refined prices: its bound is the Lagrangian at them, an
    # upper bound on the LP, and close to it.
    from safepassage.resettlement import placement

    families, places, scores = random_instance(7, n=900, m=12)
    full = lp_bound(families, places, scores)
    old = placement.SAMPLE_ABOVE, placement.SAMPLE_SIZES, placement.MARGINAL_FAMILIES
    placement.SAMPLE_ABOVE, placement.SAMPLE_SIZES, placement.MARGINAL_FAMILIES = 100, (200,), 150
    try:
        margin_lp, exact = solve_lp(families, places, scores, time_limit=60)
        result = place_families(families, places, scores, time_limit=30)
    finally:
        placement.SAMPLE_ABOVE, placement.SAMPLE_SIZES, placement.MARGINAL_FAMILIES = old
    assert exact
    assert margin_lp == pytest.approx(full, rel=1e-7)
    assert not result.bound_is_exact
    assert full - 1e-6 <= result.bound <= 1.02 * full
    assert check_placement(families, places, scores, result.assignments) == []
    assert result.objective >= 0.97 * full


def test_dense_scores_with_missing_pairs_work_like_a_mapping() -> None:
    families, places, scores = random_instance(3, n=40, m=5)
    dense = np.full((40, 5), np.nan)
    for (f, p), s in scores.items():
        dense[int(f[1:]), int(p[1:])] = s
    a = place_families(families, places, scores)
    b = place_families(families, places, dense)
    assert a.objective == pytest.approx(b.objective)
    assert a.bound == pytest.approx(b.bound)


def test_the_json_function_gives_exactly_the_four_keys() -> None:
    result = place({
        "families": [{"id": "F1", "members": {"children": 2, "adults": 2, "seniors": 0},
                      "needs": ["accessible_housing"], "languages": ["prs"], "ties": []}],
        "places": [{"id": "P1", "capacity": {"children": 17, "adults": 14, "seniors": 2},
                    "services": ["accessible_housing"], "languages": ["prs", "pus"]}],
        "scores": [{"family": "F1", "place": "P1", "score": 0.39}],
    })
    assert result == {"assignments": [{"family": "F1", "place": "P1"}], "objective": 0.39,
                      "bound": 0.39, "unplaced": []}
