"""The placement optimiser: a pure function from families, places and scores to placements.

No database here. Families are never split; each place has capacity in children, adults and
seniors (and in housing units by size when given); a family may go only where a score is given
for it, where its ties (if any), its needs and its languages are met. The LP relaxation is solved
exactly by column generation with HiGHS (it gives the bound and the prices of capacity); above
4,000 families the prices come from minimising the smoothed Lagrangian instead, and the bound is
the Lagrangian at them. The placement is the LP's integral part, completed greedily by
price-adjusted score and polished by HiGHS branch and bound on what is left. See
docs/resettlement.md ("Placement") and decisions 0060 and 0063.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import highspy
import numpy as np

# Ids are whatever the caller uses (case pks, texts from a JSON file); only equality matters.
FamilyId: TypeAlias = Any
PlaceId: TypeAlias = Any

AGE_GROUPS = ("children", "adults", "seniors")
# A family's stated preferences add at most this much to a score (first choice), less for later
# choices: a preference moves a family between places of nearly equal expected outcome only.
PREFERENCE_WEIGHT = 0.05
_EPS = 1e-7
# One thread for HiGHS (decision 0064): its idle workers wait by spinning, and on a shared
# 2-core machine they took the core the placement's own work needed (in one bench run the
# process used 71 s of CPU in 33 s of wall time and its prices were left half refined).
HIGHS_THREADS = 1


@dataclass(frozen=True)
class Family:
    id: FamilyId
    children: int
    adults: int
    seniors: int
    needs: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    ties: frozenset[PlaceId] = frozenset()
    preferences: tuple[PlaceId, ...] = ()  # places it asked for, first choice first

    @property
    def size(self) -> int:
        return self.children + self.adults + self.seniors

    def members(self) -> tuple[int, int, int]:
        return (self.children, self.adults, self.seniors)


@dataclass(frozen=True)
class Place:
    """Capacity for the period in persons by age group and, when given, housing units by the
    number of persons a unit houses (a family needs one unit at least its size)."""

    id: PlaceId
    children: int
    adults: int
    seniors: int
    services: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    housing_units: tuple[tuple[int, int], ...] = ()  # (persons a unit houses, units), any order

    def capacity(self) -> tuple[int, int, int]:
        return (self.children, self.adults, self.seniors)


# Scores: {(family id, place id): score}, or a dense array (families x places, in the order of
# the sequences passed) with NaN where no score is given.
Scores: TypeAlias = Mapping[tuple[FamilyId, PlaceId], float] | np.ndarray


@dataclass
class Placement:
    assignments: dict[FamilyId, PlaceId]
    objective: float  # sum of score (+ preference bonus) of the families placed
    bound: float  # the LP relaxation's optimum (an upper bound on any placement's objective)
    unplaced: dict[FamilyId, str]  # every family not placed, with the reason
    seconds: float = 0.0
    method: str = ""
    bound_is_exact: bool = True  # False: a valid Lagrangian upper bound, not yet the LP's

    @property
    def percent_of_bound(self) -> float:
        return 100.0 if self.bound <= 0 else 100.0 * self.objective / self.bound

    def summary(self) -> str:
        return (
            f"objective {self.objective:.3f}, LP bound {self.bound:.3f} "
            f"({self.percent_of_bound:.2f}% of bound), {len(self.assignments)} families placed, "
            f"{len(self.unplaced)} unplaced, {self.seconds:.2f} s"
        )


# --- the problem as arrays ----------------------------------------------------------------------


class _Problem:
    """Families x places as arrays: value (score + preference), who may go where, and the
    capacity rows. Resource kinds: children, adults, seniors, then one kind per housing
    threshold t ("units for families of more than t persons")."""

    def __init__(
        self, families: Sequence[Family], places: Sequence[Place], scores: Scores
    ) -> None:
        self.families, self.places = list(families), list(places)
        n, m = len(self.families), len(self.places)
        self.n, self.m = n, m
        self.place_index = {p.id: j for j, p in enumerate(self.places)}
        self.family_index = {f.id: i for i, f in enumerate(self.families)}
        self.scored = self._score_matrix(scores)
        members = np.array([f.members() for f in self.families], dtype=np.float64).reshape(n, 3)
        size = members.sum(axis=1)
        thresholds = sorted({t for p in self.places for t in _unit_thresholds(p)})
        self.thresholds = thresholds
        self.k = 3 + len(thresholds)
        self.usage = np.zeros((n, self.k))
        self.usage[:, :3] = members
        for j, t in enumerate(thresholds):
            self.usage[:, 3 + j] = size > t
        self.cap = np.full((m, self.k), np.inf)
        for j, p in enumerate(self.places):
            self.cap[j, :3] = p.capacity()
            for t, units in _unit_rows(p):
                self.cap[j, 3 + thresholds.index(t)] = units
        largest_unit = np.array(
            [max((s for s, _ in p.housing_units), default=np.inf) if p.housing_units else np.inf
             for p in self.places])
        self.size = size
        # The rules, each as a families x places mask, kept apart to say why a family is left.
        self.tied = self._tie_mask()
        self.needs_met = self._needs_mask()
        self.language_met = self._language_mask()
        fits = (size[:, None] <= largest_unit[None, :])
        for kind in range(self.k):
            fits &= self.usage[:, kind, None] <= self.cap[None, :, kind]
        self.fits = fits
        self.eligible = (
            ~np.isnan(self.scored) & self.tied & self.needs_met & self.language_met & fits
        )
        self.value = np.where(self.eligible, np.nan_to_num(self.scored) + self._bonus(), -np.inf)
        # Capacity rows: the finite entries of cap.
        self.row_place, self.row_kind = np.nonzero(np.isfinite(self.cap))
        self.row_cap = self.cap[self.row_place, self.row_kind]
        self.row_id = np.full((m, self.k), -1, dtype=np.int64)
        self.row_id[self.row_place, self.row_kind] = np.arange(len(self.row_place))

    def _score_matrix(self, scores: Scores) -> np.ndarray:
        if isinstance(scores, np.ndarray):
            if scores.shape != (self.n, self.m):
                raise ValueError(f"scores: expected shape {(self.n, self.m)}, got {scores.shape}")
            return scores.astype(np.float64)
        matrix = np.full((self.n, self.m), np.nan)
        for (fid, pid), score in scores.items():
            i, j = self.family_index.get(fid), self.place_index.get(pid)
            if i is not None and j is not None:
                matrix[i, j] = float(score)
        return matrix

    def _tie_mask(self) -> np.ndarray:
        mask = np.ones((self.n, self.m), dtype=bool)
        for i, f in enumerate(self.families):
            if f.ties:
                mask[i] = False
                for pid in f.ties:
                    j = self.place_index.get(pid)
                    if j is not None:
                        mask[i, j] = True
        return mask

    def _needs_mask(self) -> np.ndarray:
        mask = np.ones((self.n, self.m), dtype=bool)
        for need in sorted({x for f in self.families for x in f.needs}):
            wants = np.array([need in f.needs for f in self.families], dtype=bool)
            offers = np.array([need in p.services for p in self.places], dtype=bool)
            mask &= ~(wants[:, None] & ~offers[None, :])
        return mask

    def _language_mask(self) -> np.ndarray:
        family_any = np.array([bool(f.languages) for f in self.families], dtype=bool)
        place_any = np.array([bool(p.languages) for p in self.places], dtype=bool)
        shared = np.zeros((self.n, self.m), dtype=bool)
        for language in sorted({x for f in self.families for x in f.languages}):
            speaks = np.array([language in f.languages for f in self.families], dtype=bool)
            spoken = np.array([language in p.languages for p in self.places], dtype=bool)
            shared |= speaks[:, None] & spoken[None, :]
        mask: np.ndarray = shared | ~family_any[:, None] | ~place_any[None, :]
        return mask

    def _bonus(self) -> np.ndarray | float:
        asked = [(i, f.preferences) for i, f in enumerate(self.families) if f.preferences]
        if not asked:
            return 0.0
        bonus = np.zeros((self.n, self.m))
        for i, preferences in asked:
            for rank, pid in enumerate(preferences):
                j = self.place_index.get(pid)
                if j is not None:
                    bonus[i, j] = max(bonus[i, j], preference_bonus(rank, len(preferences)))
        return bonus

    def price_matrix(self, prices: np.ndarray) -> np.ndarray:
        """Capacity prices (one per row) as the cost of each family at each place."""
        per_kind = np.zeros((self.m, self.k))
        per_kind[self.row_place, self.row_kind] = prices
        cost: np.ndarray = self.usage @ per_kind.T
        return cost


def preference_bonus(rank: int, count: int) -> float:
    """The first of `count` stated preferences adds PREFERENCE_WEIGHT, the last 1/count of it."""
    return PREFERENCE_WEIGHT * (count - rank) / count


def _unit_thresholds(place: Place) -> list[int]:
    return [t for t, _ in _unit_rows(place)]


def _unit_rows(place: Place) -> list[tuple[int, int]]:
    """Housing units as nested rows: a family of s persons may use any unit of at least s, so
    (Hall) every family fits a unit iff for each unit size u_j, the families larger than the
    next smaller size u_{j-1} number no more than the units of at least u_j."""
    sizes: dict[int, int] = {}
    for persons, units in place.housing_units:
        sizes[persons] = sizes.get(persons, 0) + units
    ordered = sorted(sizes)
    rows, previous = [], 0
    for j, persons in enumerate(ordered):
        rows.append((previous, sum(sizes[s] for s in ordered[j:])))
        previous = persons
    return rows


# --- the LP relaxation by column generation ------------------------------------------------------


class _Master:
    """The restricted LP over some families (`active`, global indices) and the columns generated
    so far for them, against `row_cap` (minimising minus the value). Capacity rows come first,
    then one row per family; families can be added and capacities changed, keeping the basis."""

    def __init__(self, problem: _Problem, active: np.ndarray, row_cap: np.ndarray) -> None:
        self.problem = problem
        self.active = np.zeros(0, dtype=np.int64)
        self.solver = highspy.Highs()
        self.solver.setOptionValue("output_flag", False)
        self.solver.setOptionValue("threads", HIGHS_THREADS)
        self.rows = len(row_cap)
        self.solver.addRows(
            self.rows, np.full(self.rows, -highspy.kHighsInf), np.maximum(row_cap, 0.0),
            0, np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]),
        )
        self.col_local = np.zeros(0, dtype=np.int64)
        self.col_place = np.zeros(0, dtype=np.int64)
        self.present = np.zeros((0, problem.m), dtype=bool)
        self.optimal = False
        self.add_families(active)

    def add_families(self, families: np.ndarray) -> None:
        count = len(families)
        if count == 0:
            return
        self.solver.addRows(
            count, np.full(count, -highspy.kHighsInf), np.ones(count),
            0, np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]),
        )
        self.active = np.concatenate([self.active, families])
        self.present = np.vstack([self.present, np.zeros((count, self.problem.m), dtype=bool)])

    def set_capacity(self, row_cap: np.ndarray) -> None:
        self.solver.changeRowsBounds(  # type: ignore[attr-defined]  # missing from the stubs
            self.rows, np.arange(self.rows, dtype=np.int32),
            np.full(self.rows, -highspy.kHighsInf), np.maximum(row_cap, 0.0))

    def add(self, local: np.ndarray, plc: np.ndarray) -> None:
        if len(local) == 0:
            return
        p = self.problem
        fam = self.active[local]
        entries_col = [np.arange(len(fam))]
        entries_row = [self.rows + local]
        entries_val = [np.ones(len(fam))]
        for kind in range(p.k):
            row = p.row_id[plc, kind]
            use = p.usage[fam, kind]
            keep = (row >= 0) & (use > 0)
            entries_col.append(np.nonzero(keep)[0])
            entries_row.append(row[keep])
            entries_val.append(use[keep])
        col = np.concatenate(entries_col)
        order = np.argsort(col, kind="stable")
        starts = np.searchsorted(col[order], np.arange(len(fam)))
        self.solver.addCols(
            len(fam), -p.value[fam, plc], np.zeros(len(fam)), np.ones(len(fam)),
            len(col), starts.astype(np.int32),
            np.concatenate(entries_row)[order].astype(np.int32),
            np.concatenate(entries_val)[order],
        )
        self.col_local = np.concatenate([self.col_local, local])
        self.col_place = np.concatenate([self.col_place, plc])
        self.present[local, plc] = True

    def solve(self, deadline: float = math.inf) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """LP value, column values, family duals u >= 0 and capacity prices >= 0."""
        if math.isfinite(deadline):
            self.solver.setOptionValue("time_limit", max(1.0, deadline - time.monotonic()))
        self.solver.run()
        solution = self.solver.getSolution()
        x = np.array(solution.col_value)
        duals = -np.array(solution.row_dual)
        value = -float(self.solver.getInfo().objective_function_value)
        # Stopped by the time limit, the value and duals are not the LP's: not to be trusted.
        self.optimal = self.solver.getModelStatus() == highspy.HighsModelStatus.kOptimal
        return value, x, np.maximum(duals[self.rows:], 0.0), np.maximum(duals[: self.rows], 0.0)


def _top_columns(score: np.ndarray, count: int, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """For each family, its `count` best places by `score` among those above `floor`."""
    n, m = score.shape
    if n == 0 or m == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    count = min(count, m)
    best = np.argpartition(-score, count - 1, axis=1)[:, :count] if count < m else (
        np.tile(np.arange(m), (n, 1)))
    fam = np.repeat(np.arange(n), count)
    plc = best.ravel()
    keep = score[fam, plc] > floor
    return fam[keep], plc[keep]


@dataclass
class _Relaxation:
    value: float  # the LP optimum when exact, else the best Lagrangian bound found
    exact: bool
    x: np.ndarray
    col_family: np.ndarray
    col_place: np.ndarray
    prices: np.ndarray  # per capacity row
    adjusted: np.ndarray  # value minus the price of the capacity used, families x places


def _column_generation(
    master: _Master, deadline: float, prices: np.ndarray | None = None,
) -> tuple[float, bool, np.ndarray, np.ndarray]:
    """The LP over the master's families exactly (unless the deadline passes): value, exact,
    column values, capacity prices. Starts from each new family's best places at `prices`."""
    problem, active = master.problem, master.active
    value_active = problem.value[active]
    fresh = ~master.present.any(axis=1)
    if fresh.any():
        start = value_active[fresh] if prices is None else (
            value_active[fresh] - problem.price_matrix(prices)[active[fresh]])
        local, plc = _top_columns(start, 4, -np.inf)
        master.add(np.nonzero(fresh)[0][local], plc)
    while True:
        value, x, u, prices = master.solve(deadline)
        reduced = value_active - problem.price_matrix(prices)[active] - u[:, None]
        reduced[master.present] = -np.inf
        local, plc = _top_columns(reduced, 3, _EPS)
        if not master.optimal:
            return value, False, x, prices
        if len(local) == 0 or time.monotonic() > deadline:
            return value, len(local) == 0, x, prices
        master.add(local, plc)


# Above this many families the placement works from prices (a sample's LP, refined on the
# smoothed Lagrangian: _refine_prices) and reports the Lagrangian bound at them. The exact LP
# (solve_lp, untimed: the bench's bound) is solved on the families near the margin only: the
# prices fix the families whose best place is clear, the LP decides the others, and the fixed
# ones are checked against the new prices (and freed if wrong) until the two agree.
SAMPLE_ABOVE = 4000
MARGINAL_FAMILIES = 2000
SAMPLE_SIZES = (500,)


def _solve_relaxation(problem: _Problem, deadline: float, *, exact: bool = False
                      ) -> _Relaxation:
    n = problem.n
    if n <= SAMPLE_ABOVE:
        master = _Master(problem, np.arange(n), problem.row_cap)
        value, exact, x, prices = _column_generation(master, deadline)
        adjusted = problem.value - problem.price_matrix(prices)
        if not exact:
            value = _lagrangian(problem, adjusted, prices)
        return _Relaxation(value, exact, x, master.active[master.col_local], master.col_place,
                           prices, adjusted)
    # The sample's LP gets a fifth of the time at most: under load it must not eat the time
    # the refinement needs (its prices are only a start).
    prices = _sample_prices(problem, min(deadline, time.monotonic() + 0.2 * (
        deadline - time.monotonic())) if not exact else deadline)
    if not exact:
        # Most of the time to the prices, the rest to the LP on the margin.
        return _lagrangian_relaxation(
            problem, prices, time.monotonic() + 0.8 * (deadline - time.monotonic()), deadline)
    # Untimed (the bench's bound): the LP on the margin from the refined prices, to the end.
    prices = _refine_prices(problem, prices, time.monotonic() + 0.25 * (
        deadline - time.monotonic()))
    bound = math.inf
    marginal = np.zeros(n, dtype=bool)
    master = _Master(problem, np.zeros(0, dtype=np.int64), problem.row_cap)
    best_adjusted = problem.value
    while True:
        adjusted = problem.value - problem.price_matrix(prices)
        lagrangian = _lagrangian(problem, adjusted, prices)
        if lagrangian < bound:
            bound, best_prices, best_adjusted = lagrangian, prices, adjusted
        best_place = adjusted.argmax(axis=1)
        best = adjusted[np.arange(n), best_place]
        second = np.partition(adjusted, -2, axis=1)[:, -2] if problem.m > 1 else np.full(
            n, -np.inf)
        margin = np.where(best > 0, best - np.maximum(second, 0.0), -best)
        if not marginal.any():
            cut = np.partition(margin, MARGINAL_FAMILIES)[MARGINAL_FAMILIES]
            marginal = margin <= max(cut, _EPS)
        row_cap = problem.row_cap.copy()
        marginal = _free_overfilled(problem, ~marginal & (best > 0), best_place, margin,
                                    marginal, row_cap)
        sure = ~marginal & (best > 0)
        in_master = np.zeros(n, dtype=bool)
        in_master[master.active] = True
        master.add_families(np.nonzero(marginal & ~in_master)[0])
        master.set_capacity(row_cap)
        value, exact, x, new_prices = _column_generation(master, deadline, prices)
        fixed = np.nonzero(sure)[0]
        fixed_at = best_place[fixed]
        value += float(problem.value[fixed, fixed_at].sum())
        adjusted = problem.value - problem.price_matrix(new_prices)
        lagrangian = _lagrangian(problem, adjusted, new_prices)
        if lagrangian < bound:
            bound, best_prices, best_adjusted = lagrangian, new_prices, adjusted
        # The fixed families must still be at their best place (or out) at the new prices.
        again = adjusted.max(axis=1)
        here = adjusted[np.arange(n), best_place]
        violation = np.where(sure, np.maximum(again, 0.0) - here,
                             np.where(marginal, 0.0, again))
        wrong = violation > 1e-6
        x_all = np.concatenate([x, np.ones(len(fixed))])
        fam_all = np.concatenate([master.active[master.col_local], fixed])
        plc_all = np.concatenate([master.col_place, fixed_at])
        done = exact and not wrong.any()
        if done:
            return _Relaxation(value, True, x_all, fam_all, plc_all, new_prices, adjusted)
        if time.monotonic() > deadline:
            # Out of time: the best prices found price the fill, and bound the LP.
            return _Relaxation(bound, False, x_all, fam_all, plc_all, best_prices,
                               best_adjusted)
        # The most wrong first, a few thousand a round: the LP's prices improve as it goes,
        # and most of the others turn out right at the next prices.
        worst = np.argsort(-violation)[: min(int(wrong.sum()), MARGINAL_FAMILIES)]
        marginal[worst] = True
        prices = new_prices


# Above SAMPLE_ABOVE families the placement does not wait for the exact LP: the sample prices
# are refined by minimising a smoothed Lagrangian (the LP's dual, one variable per capacity
# row), the placement follows those prices and the bound is the Lagrangian at them. Decision
# 0064: rounds at temperatures falling geometrically from the first to the last, each over every
# family's CANDIDATES best places at the prices so far (enough that prices moving within a round
# rarely make a family's best place one it does not see), REFINE_ITERATIONS of L-BFGS a round.
CANDIDATES = 12
TEMPERATURES = (0.01, 0.0003)
REFINE_ROUNDS = 4
REFINE_ITERATIONS = 40


def _smoothed_dual(
    prices: np.ndarray, matrix: Any, value: np.ndarray, starts: np.ndarray,
    owners: np.ndarray, row_cap: np.ndarray, temperature: float,
) -> tuple[float, np.ndarray]:
    """The Lagrangian with each family's max(0, best reduced value) softened to a log-sum-exp
    at `temperature`, over candidate columns (a sparse columns x capacity rows `matrix`), with
    its gradient: the capacity minus the families' expected use of it."""
    reduced = value - matrix @ prices
    top = np.maximum(np.maximum.reduceat(reduced, starts), 0.0)
    weight = np.exp((reduced - top[owners]) / temperature)
    total = np.add.reduceat(weight, starts) + np.exp(-top / temperature)
    smooth = float((top + temperature * np.log(total)).sum() + prices @ row_cap)
    weight /= total[owners]
    gradient: np.ndarray = row_cap - matrix.T @ weight
    return smooth, gradient


def _refine_prices(problem: _Problem, prices: np.ndarray, deadline: float) -> np.ndarray:
    """Prices near the LP's dual optimum: L-BFGS on the smoothed Lagrangian in REFINE_ROUNDS
    rounds at falling temperatures, each over every family's best CANDIDATES places at the
    prices so far; the prices kept are those of the lowest exact Lagrangian seen."""
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    best_bound, best_prices = math.inf, prices
    first, last = TEMPERATURES
    # The dense families x places work (choosing each round's candidates, and the Lagrangian
    # that picks the prices kept) in single precision: half the memory traffic. The bound
    # reported is computed again in double precision from the prices kept.
    value32 = problem.value.astype(np.float32)
    usage32 = problem.usage.astype(np.float32)
    for stage in range(REFINE_ROUNDS):
        temperature = first * (last / first) ** (stage / max(REFINE_ROUNDS - 1, 1))
        # Each round gets its share of the time left.
        stage_deadline = time.monotonic() + (deadline - time.monotonic()) / (
            REFINE_ROUNDS - stage)
        per_kind = np.zeros((problem.m, problem.k), dtype=np.float32)
        per_kind[problem.row_place, problem.row_kind] = prices
        key = value32 - usage32 @ per_kind.T
        bound = _lagrangian(problem, key, prices)
        if bound < best_bound:
            best_bound, best_prices = bound, prices
        if time.monotonic() > deadline:
            return best_prices
        # Families far from placed at any place (by five temperatures) weigh nothing.
        fam, plc = _top_columns(key, CANDIDATES, -5 * temperature)
        del key
        if len(fam) == 0:
            break
        rows = problem.row_id[plc]  # columns x kinds
        use = problem.usage[fam]
        present = (rows >= 0) & (use > 0)
        col_of, kind_of = np.nonzero(present)
        matrix = csr_matrix((use[col_of, kind_of], (col_of, rows[col_of, kind_of])),
                            shape=(len(fam), len(problem.row_cap)))
        starts = np.flatnonzero(np.r_[True, fam[1:] != fam[:-1]])
        owners = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(fam)]))
        result = minimize(
            _smoothed_dual, prices, jac=True, method="L-BFGS-B",
            args=(matrix, problem.value[fam, plc], starts, owners, problem.row_cap,
                  temperature),
            bounds=[(0.0, None)] * len(prices), options={"maxiter": REFINE_ITERATIONS},
            callback=_stop_at(stage_deadline),
        )
        prices = np.maximum(np.asarray(result.x, dtype=np.float64), 0.0)
    per_kind = np.zeros((problem.m, problem.k), dtype=np.float32)
    per_kind[problem.row_place, problem.row_kind] = prices
    bound = _lagrangian(problem, value32 - usage32 @ per_kind.T, prices)
    return prices if bound < best_bound else best_prices


def _stop_at(deadline: float) -> Any:
    """An L-BFGS callback that ends the minimisation at the deadline (scipy keeps the last
    iterate)."""

    def callback(*_: Any) -> None:
        if time.monotonic() > deadline:
            raise StopIteration
    return callback


def _lagrangian_relaxation(problem: _Problem, prices: np.ndarray, deadline: float,
                           lp_deadline: float) -> _Relaxation:
    """The relaxation from refined prices: the Lagrangian bound, and as 'whole' the families
    whose best place at those prices is clear (the rest are left to the fill and the polish)."""
    prices = _refine_prices(problem, prices, deadline)
    adjusted = problem.value - problem.price_matrix(prices)
    bound = _lagrangian(problem, adjusted, prices)
    n = problem.n
    best_place = adjusted.argmax(axis=1)
    best = adjusted[np.arange(n), best_place]
    second = np.partition(adjusted, -2, axis=1)[:, -2] if problem.m > 1 else np.full(
        n, -np.inf)
    margin = np.where(best > 0, best - np.maximum(second, 0.0), -best)
    sure = (best > 0) & (margin > CLEAR_MARGIN)
    near = (best > -CLEAR_MARGIN) & ~sure
    row_cap = problem.row_cap.copy()
    near = _free_overfilled(problem, sure, best_place, margin, near, row_cap)
    sure &= ~near
    clear = np.nonzero(sure)[0]
    x, fam, plc = np.ones(len(clear)), clear, best_place[clear]
    if near.any() and time.monotonic() < lp_deadline:
        # The LP on the families near the margin, over their few best places, on the capacity
        # the clear ones leave: it settles most of them whole.
        master = _Master(problem, np.nonzero(near)[0], row_cap)
        key = adjusted[master.active]
        local, columns = _top_columns(key, 2, -CLEAR_MARGIN)
        master.add(local, columns)
        master.solver.setOptionValue("time_limit", max(0.5, lp_deadline - time.monotonic()))
        master.solver.run()
        if master.solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            x = np.concatenate([x, np.array(master.solver.getSolution().col_value)])
            fam = np.concatenate([fam, master.active[master.col_local]])
            plc = np.concatenate([plc, master.col_place])
    return _Relaxation(bound, False, x, fam, plc, prices, adjusted)


CLEAR_MARGIN = 0.005


def _lagrangian(problem: _Problem, adjusted: np.ndarray, prices: np.ndarray) -> float:
    """An upper bound on the LP at any prices >= 0 (the Lagrangian of the capacity rows)."""
    best = adjusted.max(axis=1, initial=0.0)
    return float(np.maximum(best, 0.0).sum(dtype=np.float64) + prices @ problem.row_cap)


def _free_overfilled(
    problem: _Problem, sure: np.ndarray, best_place: np.ndarray, margin: np.ndarray,
    marginal: np.ndarray, row_cap: np.ndarray,
) -> np.ndarray:
    """Leave in the LP (marginal) the fixed families that overfill a place, least clear first;
    `row_cap` becomes the capacity left to the LP."""
    marginal = marginal.copy()
    fixed = np.nonzero(sure)[0]
    for j in np.unique(best_place[fixed]).tolist():
        here = fixed[best_place[fixed] == j]
        here = here[np.argsort(-margin[here], kind="stable")]
        used = np.cumsum(problem.usage[here], axis=0)
        cap = problem.cap[j]
        fits = (used <= cap + 1e-9).all(axis=1)
        keep = np.minimum.accumulate(fits)
        marginal[here[~keep]] = True
        total = used[keep].max(axis=0) if keep.any() else np.zeros(problem.k)
        rows = problem.row_id[j]
        row_cap[rows[rows >= 0]] -= total[rows >= 0]
    return marginal


def _sample_prices(problem: _Problem, deadline: float) -> np.ndarray:
    """Capacity prices from the LPs of growing random samples of the families, each on the
    same share of the capacity (what a tenth of the families would pay for a tenth of the
    room), each started from the prices of the one before."""
    rng = np.random.default_rng(0)
    order = rng.permutation(problem.n)
    prices = None
    for size in SAMPLE_SIZES:
        if size >= problem.n:
            break
        master = _Master(problem, np.sort(order[:size]), problem.row_cap * size / problem.n)
        _, _, _, prices = _column_generation(master, deadline, prices)
    return prices if prices is not None else np.zeros(len(problem.row_cap))


# --- from the relaxation to a placement ---------------------------------------------------------


class _Fill:
    """Remaining capacity, and families placed one at a time while they fit (plain Python
    lists in the loops: numpy's per-call cost dominates at one family at a time)."""

    def __init__(self, problem: _Problem) -> None:
        self.problem = problem
        self.free = np.where(np.isfinite(problem.cap), problem.cap, 1e18).tolist()
        self.usage = problem.usage.tolist()
        self.assigned = np.full(problem.n, -1, dtype=np.int64)

    def fits(self, i: int, j: int) -> bool:
        free = self.free[j]
        return all(u <= f + 1e-9 for u, f in zip(self.usage[i], free, strict=True))

    def put(self, i: int, j: int) -> None:
        free = self.free[j]
        for kind, u in enumerate(self.usage[i]):
            free[kind] -= u
        self.assigned[i] = j

    def fill(self, order_key: np.ndarray, per_family: int = 12) -> None:
        """Unplaced families into their places by `order_key`, best pairs first."""
        p = self.problem
        waiting = np.nonzero(self.assigned < 0)[0]
        if len(waiting) == 0 or p.m == 0:
            return
        key = np.where(p.eligible[waiting], order_key[waiting], -np.inf)
        fam_local, plc = _top_columns(key, per_family, -np.inf)
        keep = np.isfinite(key[fam_local, plc])
        fam_local, plc = fam_local[keep], plc[keep]
        fam = waiting[fam_local]
        order = np.lexsort((fam, -key[fam_local, plc]))
        placed = set(np.nonzero(self.assigned >= 0)[0].tolist())
        value = p.value[fam[order], plc[order]] >= 0
        for i, j, worth in zip(fam[order].tolist(), plc[order].tolist(), value.tolist(),
                               strict=True):
            if worth and i not in placed and self.fits(i, j):
                self.put(i, j)
                placed.add(i)

    def objective(self) -> float:
        placed = np.nonzero(self.assigned >= 0)[0]
        return float(self.problem.value[placed, self.assigned[placed]].sum())


def _round(problem: _Problem, relaxation: _Relaxation) -> _Fill:
    """The LP's integral assignments, then the rest by price-adjusted value, then by value."""
    fill = _Fill(problem)
    whole = relaxation.x > 1 - 1e-6
    for i, j in zip(relaxation.col_family[whole].tolist(), relaxation.col_place[whole].tolist(),
                    strict=True):
        if fill.assigned[i] < 0 and fill.fits(i, j):
            fill.put(i, j)
    # Fractional families first (the LP wanted them), by their adjusted value.
    per_family = 12 if problem.n <= SAMPLE_ABOVE else 5
    fill.fill(relaxation.adjusted, per_family)
    fill.fill(problem.value, per_family)
    return fill


def _polish(
    problem: _Problem, relaxation: _Relaxation, start: _Fill, deadline: float,
    *, most_families: int = 4000,
) -> _Fill | None:
    """Branch and bound on the families the LP did not place whole (and those it left out
    that could still gain), the others fixed where the start put them."""
    if deadline - time.monotonic() < 0.5:
        return None
    whole = np.zeros(problem.n, dtype=bool)
    sure = relaxation.x > 1 - 1e-6
    whole[relaxation.col_family[sure]] = True
    kept = whole & (start.assigned >= 0)
    gain = relaxation.adjusted.max(axis=1, initial=-np.inf) if problem.m else np.zeros(problem.n)
    loose = np.nonzero(~kept)[0]
    loose = loose[np.argsort(-gain[loose], kind="stable")][:most_families]
    loose = loose[np.isfinite(gain[loose])]
    if len(loose) == 0:
        return None
    free = problem.cap.copy()
    for i in np.nonzero(kept)[0].tolist():
        free[start.assigned[i]] -= problem.usage[i]
    # Columns: each loose family's best places by adjusted value.
    key = np.where(problem.eligible[loose], relaxation.adjusted[loose], -np.inf)
    fam_local, plc = _top_columns(key, 8, -np.inf)
    extra = start.assigned[loose] >= 0
    fam_local = np.concatenate([fam_local, np.nonzero(extra)[0]])
    plc = np.concatenate([plc, start.assigned[loose][extra]])
    pairs = np.unique(np.stack([fam_local, plc]), axis=1)
    fam_local, plc = pairs[0], pairs[1]
    fam = loose[fam_local]
    n_cols, n_loose = len(fam), len(loose)
    used_rows = np.unique(problem.row_id[plc][problem.row_id[plc] >= 0])
    row_no = np.full(len(problem.row_cap), -1, dtype=np.int64)
    row_no[used_rows] = np.arange(len(used_rows))
    index, values, col = [fam_local], [np.ones(n_cols)], [np.arange(n_cols)]
    for kind in range(problem.k):
        row = problem.row_id[plc, kind]
        use = problem.usage[fam, kind]
        keep = (row >= 0) & (use > 0)
        index.append(n_loose + row_no[row[keep]])
        values.append(use[keep])
        col.append(np.nonzero(keep)[0])
    cols = np.concatenate(col)
    order = np.argsort(cols, kind="stable")
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_loose + len(used_rows)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = problem.value[fam, plc]
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.ones(n_cols)
    lp.row_lower_ = np.full(lp.num_row_, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([
        np.ones(n_loose),
        np.maximum(free[problem.row_place[used_rows], problem.row_kind[used_rows]], 0.0),
    ])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols[order], np.arange(n_cols + 1)).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate(index)[order].astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate(values)[order]
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", HIGHS_THREADS)
    solver.setOptionValue("time_limit", float(deadline - time.monotonic()))
    solver.setOptionValue("mip_rel_gap", 1e-4)
    solver.passModel(lp)
    hint = highspy.HighsSolution()
    hint.col_value = (start.assigned[fam] == plc).astype(np.float64).tolist()
    hint.value_valid = True
    solver.setSolution(hint)
    solver.run()
    if solver.getInfo().primal_solution_status != 2:  # kSolutionStatusFeasible
        return None
    chosen = np.rint(np.array(solver.getSolution().col_value)) > 0.5
    result = _Fill(problem)
    for i in np.nonzero(kept)[0].tolist():
        result.put(i, int(start.assigned[i]))
    for i, j in zip(fam[chosen].tolist(), plc[chosen].tolist(), strict=True):
        if result.assigned[i] < 0 and result.fits(i, j):
            result.put(i, j)
    result.fill(relaxation.adjusted)
    result.fill(problem.value)
    return result


def _greedy(problem: _Problem) -> _Fill:
    """The baseline: each family in turn (best score first) to its best place with room."""
    fill = _Fill(problem)
    if problem.m == 0:
        return fill
    best = problem.value.max(axis=1)
    ranked = np.argsort(-problem.value, axis=1)
    open_count = problem.eligible.sum(axis=1)
    for i in np.argsort(-best, kind="stable").tolist():
        if open_count[i] == 0:
            continue
        for j in ranked[i, : open_count[i]].tolist():
            if fill.fits(i, j):
                fill.put(i, j)
                break
    return fill


# --- why a family is left out, and why a family goes where it goes -----------------------------


def _why_unplaced(problem: _Problem, i: int, fill: _Fill) -> str:
    f = problem.families[i]
    scored = ~np.isnan(problem.scored[i])
    if not scored.any():
        return "no score was given for it at any place"
    allowed = scored & problem.tied[i]
    if not allowed.any():
        return (f"it has ties to {_names(sorted(f.ties, key=str))} and none of them has a score "
                "for it")
    after_needs = allowed & problem.needs_met[i]
    if not after_needs.any():
        return (f"no place it may go to offers all of its needs ({_names(sorted(f.needs))})")
    after_language = after_needs & problem.language_met[i]
    if not after_language.any():
        return (f"no place that meets its needs speaks any of its languages "
                f"({_names(sorted(f.languages))})")
    open_to = np.nonzero(after_language & problem.fits[i])[0]
    if len(open_to) == 0:
        return (f"it is larger ({_members(f)}) than any place it may go to can take "
                "in one of children, adults, seniors or housing units")
    names = [problem.places[j].id for j in open_to]
    return (f"capacity gone: the {len(names)} place(s) it may go to ({_names(names)}) had no "
            f"room left for {_members(f)} once the best total score was reached")


def _names(items: Sequence[Any], most: int = 5) -> str:
    shown = ", ".join(str(x) for x in items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _members(f: Family) -> str:
    return f"{f.children} children, {f.adults} adults, {f.seniors} seniors ({f.size} persons)"


def explain(family: Family, place: Place, score: float) -> dict[str, Any]:
    """Why this family may go to this place: its score and every rule it meets."""
    rules = [f"score {score:g} given for this family at this place"]
    if family.ties:
        rules.append(f"ties: the family has ties to {place.id}")
    if family.needs:
        rules.append(f"needs met: {', '.join(sorted(family.needs))}")
    if family.languages and place.languages:
        rules.append("language spoken: "
                     + ", ".join(sorted(family.languages & place.languages)))
    else:
        rules.append("no language rule (no languages listed for the family or the place)")
    rules.append(f"room for {_members(family)}")
    bonus = 0.0
    if place.id in family.preferences:
        rank = family.preferences.index(place.id)
        bonus = preference_bonus(rank, len(family.preferences))
        rules.append(f"the family's preference no. {rank + 1} (+{bonus:g})")
    return {"family": family.id, "place": place.id, "score": score,
            "preference_bonus": bonus, "rules": rules}


# --- the public functions ------------------------------------------------------------------------


def _result(problem: _Problem, fill: _Fill, bound: float, exact: bool, method: str,
            started: float) -> Placement:
    assignments = {problem.families[i].id: problem.places[int(j)].id
                   for i, j in enumerate(fill.assigned.tolist()) if j >= 0}
    unplaced = {problem.families[i].id: _why_unplaced(problem, i, fill)
                for i in np.nonzero(fill.assigned < 0)[0].tolist()}
    return Placement(assignments=assignments, objective=fill.objective(), bound=bound,
                     unplaced=unplaced, seconds=time.monotonic() - started, method=method,
                     bound_is_exact=exact)


def place_families(
    families: Sequence[Family],
    places: Sequence[Place],
    scores: Scores,
    *,
    time_limit: float = 25.0,
    prices: np.ndarray | None = None,
) -> Placement:
    """Place families to maximise the sum of their scores (plus stated preferences).

    The LP relaxation (solved exactly up to SAMPLE_ABOVE families unless `time_limit` runs
    out; above, or out of time, a Lagrangian upper bound at prices near the LP's dual optimum)
    gives the bound and the prices of capacity; its integral part, a fill by
    price-adjusted value and HiGHS branch and bound on the rest give the placement. The plain
    greedy is computed too and kept if it is better.
    """
    from threadpoolctl import threadpool_limits

    # One BLAS thread (decision 0064): its idle workers spin, and on a shared 2-core machine
    # they took the core the price refinement needed.
    with threadpool_limits(limits=1, user_api="blas"):
        return _place_families(families, places, scores, time_limit=time_limit, prices=prices)


def _place_families(
    families: Sequence[Family],
    places: Sequence[Place],
    scores: Scores,
    *,
    time_limit: float,
    prices: np.ndarray | None,
) -> Placement:
    started = time.monotonic()
    deadline = started + time_limit
    problem = _Problem(families, places, scores)
    if prices is not None:
        # What each place's capacity is worth to families still to come (weekly batches):
        # a family goes now only where its score is worth more than the room it takes.
        problem.value = problem.value - problem.usage @ prices.T
    if problem.n == 0 or problem.m == 0 or not problem.eligible.any():
        return _result(problem, _Fill(problem), 0.0, True, "nothing to place", started)
    # Above SAMPLE_ABOVE the prices are worth most of the time (the fill after them is fast).
    share = 0.9 if problem.n > SAMPLE_ABOVE else 0.6
    relaxation = _solve_relaxation(problem, started + share * time_limit)
    candidates = [(_round(problem, relaxation), "LP rounding + fill by capacity prices")]
    if problem.n <= SAMPLE_ABOVE:  # a safety net that costs little there, and never wins above
        candidates.append((_greedy(problem), "greedy: each family to its best open place"))
    # Branch and bound stops a little before the limit: naming the unplaced takes a moment.
    polished = _polish(problem, relaxation, candidates[0][0], deadline - 0.08 * time_limit)
    if polished is not None:
        candidates.append((polished, "LP rounding + HiGHS branch and bound on the rest"))
    fill, method = max(candidates, key=lambda c: c[0].objective())
    bound = max(relaxation.value, fill.objective())  # rounding noise only; never below
    return _result(problem, fill, bound, relaxation.exact, method, started)


def place_greedily(
    families: Sequence[Family], places: Sequence[Place], scores: Scores,
    *, bound: float | None = None,
) -> Placement:
    """The baseline alone: each family in turn, best score first, to its best open place."""
    started = time.monotonic()
    problem = _Problem(families, places, scores)
    fill = _greedy(problem)
    return _result(problem, fill, fill.objective() if bound is None else bound, bound is not None,
                   "greedy: each family to its best open place", started)


def lp_bound(families: Sequence[Family], places: Sequence[Place], scores: Scores,
             *, time_limit: float = 60.0) -> float:
    return solve_lp(families, places, scores, time_limit=time_limit)[0]


def solve_lp(families: Sequence[Family], places: Sequence[Place], scores: Scores,
             *, time_limit: float = 60.0) -> tuple[float, bool]:
    """The LP relaxation's value and whether it is exact (else a Lagrangian upper bound)."""
    problem = _Problem(families, places, scores)
    if problem.n == 0 or problem.m == 0 or not problem.eligible.any():
        return 0.0, True
    relaxation = _solve_relaxation(problem, time.monotonic() + time_limit, exact=True)
    return relaxation.value, relaxation.exact


def capacity_prices(families: Sequence[Family], places: Sequence[Place], scores: Scores,
                    *, share: float = 1.0, time_limit: float = 10.0) -> np.ndarray:
    """The LP's price of one unit of each kind of capacity at each place (places x kinds:
    children, adults, seniors, then one per housing-unit threshold), for these families on
    `share` of the places' capacity (a sample of the families to come on its share of room)."""
    problem = _Problem(families, places, scores)
    per_kind = np.zeros((problem.m, problem.k))
    if problem.n == 0 or problem.m == 0 or not problem.eligible.any():
        return per_kind
    problem.row_cap = problem.row_cap * share
    relaxation = _solve_relaxation(problem, time.monotonic() + time_limit)
    per_kind[problem.row_place, problem.row_kind] = relaxation.prices
    return per_kind


def check_placement(
    families: Sequence[Family], places: Sequence[Place], scores: Scores,
    assignments: Mapping[FamilyId, PlaceId],
) -> list[str]:
    """Every rule a placement must keep, as readable violations (empty when it is sound)."""
    problem = _Problem(families, places, scores)
    problems = []
    used = np.zeros((problem.m, problem.k))
    for fid, pid in assignments.items():
        i, j = problem.family_index.get(fid), problem.place_index.get(pid)
        if i is None or j is None:
            problems.append(f"family {fid} or place {pid} is not in the instance")
            continue
        if not problem.eligible[i, j]:
            problems.append(f"family {fid} may not go to place {pid}")
        used[j] += problem.usage[i]
    for j, p in enumerate(problem.places):
        over = used[j] > problem.cap[j] + 1e-9
        if over.any():
            problems.append(f"place {p.id} overfilled")
    return problems


def scores_from(records: Iterable[tuple[FamilyId, PlaceId, float]]) -> dict[
        tuple[FamilyId, PlaceId], float]:
    return {(f, p): s for f, p, s in records}


# --- the JSON format (`safepassage place-file`) --------------------------------------------------


class InstanceError(ValueError):
    """A placement instance that cannot be read: the message names the field and what to do."""


@dataclass
class Instance:
    families: list[Family]
    places: list[Place]
    scores: dict[tuple[FamilyId, PlaceId], float] = field(default_factory=dict)


def _id(record: dict[str, Any], where: str, seen: set[Any]) -> Any:
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
        raise InstanceError(f"{where}.id: expected a number or a non-empty text.")
    if value in seen:
        raise InstanceError(f"{where}.id: {value!r} appears twice; ids must be unique.")
    seen.add(value)
    return value


def _count(record: Any, key: str, where: str) -> int:
    value = record.get(key, 0) if isinstance(record, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InstanceError(f"{where}.{key}: expected a whole number of at least 0.")
    return value


def _texts(record: dict[str, Any], key: str, where: str) -> frozenset[Any]:
    value = record.get(key, [])
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(
            isinstance(x, (str, int)) and not isinstance(x, bool) for x in value):
        raise InstanceError(f"{where}.{key}: expected a list of texts (it may be empty).")
    return frozenset(value)


def _group(record: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = record.get(key)
    if not isinstance(value, dict):
        raise InstanceError(
            f"{where}.{key}: expected an object such as "
            '{"children": 2, "adults": 2, "seniors": 0}.')
    unknown = sorted(set(value) - set(AGE_GROUPS) - {"housing_units"})
    if unknown:
        raise InstanceError(f"{where}.{key}.{unknown[0]}: unknown; use children, adults, seniors"
                            + (" and housing_units" if key == "capacity" else "") + ".")
    return value


def _units(capacity: dict[str, Any], where: str) -> tuple[tuple[int, int], ...]:
    units = capacity.get("housing_units")
    if units is None:
        return ()
    if not isinstance(units, dict):
        raise InstanceError(f'{where}: expected an object such as {{"4": 10, "6": 3}} '
                            "(units by the number of persons each houses).")
    result = []
    for persons, count in units.items():
        if not str(persons).isdigit() or int(persons) < 1:
            raise InstanceError(f"{where}.{persons}: a unit size must be a whole number of "
                                "persons, at least 1.")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InstanceError(f"{where}.{persons}: expected a whole number of units, "
                                "at least 0.")
        result.append((int(persons), count))
    return tuple(sorted(result))


def parse_instance(data: Any) -> Instance:
    """Read an instance (the JSON of issue 20); InstanceError names the first wrong field."""
    if not isinstance(data, dict):
        raise InstanceError("The instance must be a JSON object with families, places and "
                            "scores.")
    for key in ("families", "places", "scores"):
        if not isinstance(data.get(key), list):
            raise InstanceError(f"{key}: expected a list (it may be empty).")
    places, place_ids = [], set[Any]()
    for j, raw in enumerate(data["places"]):
        where = f"places[{j}]"
        if not isinstance(raw, dict):
            raise InstanceError(f"{where}: expected an object.")
        pid = _id(raw, where, place_ids)
        capacity = _group(raw, "capacity", where)
        places.append(Place(
            id=pid, children=_count(capacity, "children", f"{where}.capacity"),
            adults=_count(capacity, "adults", f"{where}.capacity"),
            seniors=_count(capacity, "seniors", f"{where}.capacity"),
            services=_texts(raw, "services", where), languages=_texts(raw, "languages", where),
            housing_units=_units(capacity, f"{where}.capacity.housing_units"),
        ))
    families, family_ids = [], set[Any]()
    for i, raw in enumerate(data["families"]):
        where = f"families[{i}]"
        if not isinstance(raw, dict):
            raise InstanceError(f"{where}: expected an object.")
        fid = _id(raw, where, family_ids)
        members = _group(raw, "members", where)
        if "housing_units" in members:
            raise InstanceError(f"{where}.members.housing_units: unknown; use children, adults "
                                "and seniors.")
        ties = _texts(raw, "ties", where)
        for tie in sorted(ties - place_ids, key=str)[:1]:
            raise InstanceError(f"{where}.ties: {tie!r} is not the id of a place in places.")
        preferences = raw.get("preferences", [])
        if not isinstance(preferences, list) or any(
                not isinstance(p, (str, int)) or p not in place_ids for p in preferences):
            raise InstanceError(f"{where}.preferences: expected a list of place ids from "
                                "places, first choice first.")
        family = Family(
            id=fid, children=_count(members, "children", f"{where}.members"),
            adults=_count(members, "adults", f"{where}.members"),
            seniors=_count(members, "seniors", f"{where}.members"),
            needs=_texts(raw, "needs", where), languages=_texts(raw, "languages", where),
            ties=ties, preferences=tuple(preferences),
        )
        if family.size == 0:
            raise InstanceError(f"{where}.members: a family has at least one person.")
        families.append(family)
    scores: dict[tuple[FamilyId, PlaceId], float] = {}
    for k, raw in enumerate(data["scores"]):
        where = f"scores[{k}]"
        if not isinstance(raw, dict):
            raise InstanceError(f"{where}: expected an object with family, place and score.")
        if raw.get("family") not in family_ids:
            raise InstanceError(f"{where}.family: expected the id of a family in families.")
        if raw.get("place") not in place_ids:
            raise InstanceError(f"{where}.place: expected the id of a place in places.")
        score = raw.get("score")
        if (isinstance(score, bool) or not isinstance(score, (int, float))
                or not math.isfinite(score) or score < 0):
            raise InstanceError(f"{where}.score: expected a number of at least 0 "
                                "(the expected outcome, e.g. 0.39).")
        pair = (raw["family"], raw["place"])
        if pair in scores:
            raise InstanceError(f"{where}: a second score for family {pair[0]!r} at place "
                                f"{pair[1]!r}; give one score per pair.")
        scores[pair] = float(score)
    return Instance(families=families, places=places, scores=scores)


def _plain(value: float) -> float:
    return round(value, 9)


def placement_as_json(instance: Instance, placement: Placement, *, reasons: bool = False
                      ) -> dict[str, Any]:
    result: dict[str, Any] = {
        "assignments": [{"family": f, "place": p} for f, p in placement.assignments.items()],
        "objective": _plain(placement.objective),
        "bound": _plain(placement.bound),
        "unplaced": [{"family": f, "reason": r} for f, r in placement.unplaced.items()],
    }
    if reasons:
        families = {f.id: f for f in instance.families}
        places = {p.id: p for p in instance.places}
        result["reasons"] = [
            explain(families[f], places[p], instance.scores[(f, p)])
            for f, p in placement.assignments.items()
        ]
    return result


def place(instance: dict[str, Any], *, time_limit: float = 25.0) -> dict[str, Any]:
    """The optimiser on the JSON form: `{"families", "places", "scores"}` in, `{"assignments",
    "objective", "bound", "unplaced"}` out. Raises InstanceError on bad input."""
    parsed = parse_instance(instance)
    placement = place_families(parsed.families, parsed.places, parsed.scores,
                               time_limit=time_limit)
    return placement_as_json(parsed, placement)
