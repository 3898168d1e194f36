"""The seat planner: a pure function from households and flights to a plan, with its LP bound.

No database here. Households that are alike for planning (seats, people, priority, the first
flight they are ready for, category, previous flight) are aggregated into types, and the
integer programme over (type, flight) counts is solved with HiGHS: the LP relaxation gives the
bound, its rounding plus a greedy fill gives a plan at once, and branch and bound improves it
while time allows. See docs/airlift.md for the model.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import highspy
import numpy as np

# Ids are whatever the caller uses (case pks, JSON numbers or texts); only equality matters.
HouseholdId: TypeAlias = Any
FlightId: TypeAlias = Any


@dataclass(frozen=True)
class HouseholdDemand:
    """One household waiting for seats. Infants on a lap count in people, not in seats."""

    id: HouseholdId
    people: int
    seats: int
    priority: int
    ready_at: dt.datetime | None = None
    category: str = ""


@dataclass(frozen=True)
class FlightOffer:
    """Seats on one flight. An empty allowed_categories admits every category."""

    id: FlightId
    seats: int
    departs_at: dt.datetime
    allowed_categories: frozenset[str] = frozenset()

    def admits(self, household: HouseholdDemand) -> bool:
        return (
            (not self.allowed_categories or household.category in self.allowed_categories)
            and (household.ready_at is None or household.ready_at <= self.departs_at)
            and household.seats <= self.seats
        )


@dataclass(frozen=True)
class Move:
    """A household that was told one flight and now has another, or none (to_flight None)."""

    household: HouseholdId
    from_flight: FlightId
    to_flight: FlightId | None


@dataclass
class Plan:
    assignments: dict[HouseholdId, FlightId]
    objective: float  # sum of priority x people over the households placed
    bound: float  # LP-relaxation upper bound on the objective (no previous plan to keep)
    seconds: float
    method: str
    moves: list[Move] = field(default_factory=list)

    @property
    def placed(self) -> int:
        return len(self.assignments)

    @property
    def percent_of_bound(self) -> float:
        return 100.0 if self.bound <= 0 else 100.0 * self.objective / self.bound

    def summary(self) -> str:
        return (
            f"objective {_number(self.objective)}, LP bound {_number(self.bound)} "
            f"({self.percent_of_bound:.2f}% of bound), {self.placed} households placed, "
            f"{self.seconds:.2f} s"
        )


# Why a household the planner was given stays without a seat (plan page, plan-file).
NO_FLIGHT = "no_flight"  # no flight admits its category, or none leaves after it is ready
NO_SEATS_LEFT = "no_seats_left"  # flights it may board exist, but their seats went to others
LARGER_THAN_ANY_FLIGHT = "larger_than_any_flight"  # it needs more seats than any flight has
NOT_READY = "not_ready"  # its readiness facts are not all recorded (never given to the solver)

UNPLACED_REASONS = {
    NOT_READY: "not ready to fly",
    NO_FLIGHT: "no flight it may board",
    NO_SEATS_LEFT: "no seats left",
    LARGER_THAN_ANY_FLIGHT: "larger than any flight",
}


def why_not_placed(
    households: Sequence[HouseholdDemand], flights: Sequence[FlightOffer],
    assignments: dict[HouseholdId, FlightId],
) -> dict[HouseholdId, str]:
    """For each household left without a seat, the first reason that explains it."""
    largest = max((f.seats for f in flights), default=0)
    reasons: dict[HouseholdId, str] = {}
    for h in households:
        if h.id in assignments:
            continue
        boardable = [f for f in flights
                     if (not f.allowed_categories or h.category in f.allowed_categories)
                     and (h.ready_at is None or h.ready_at <= f.departs_at)]
        if not boardable:
            reasons[h.id] = NO_FLIGHT
        elif h.seats > largest or all(h.seats > f.seats for f in boardable):
            reasons[h.id] = LARGER_THAN_ANY_FLIGHT
        else:
            reasons[h.id] = NO_SEATS_LEFT
    return reasons


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def objective_of(
    households: Iterable[HouseholdDemand], assignments: Mapping[HouseholdId, FlightId]
) -> float:
    return float(sum(h.priority * h.people for h in households if h.id in assignments))


def check_plan(
    households: Sequence[HouseholdDemand],
    flights: Sequence[FlightOffer],
    assignments: Mapping[HouseholdId, FlightId],
) -> list[str]:
    """Every rule a plan must keep, as readable violations (empty when the plan is sound)."""
    by_id = {f.id: f for f in flights}
    used: dict[FlightId, int] = defaultdict(int)
    problems = []
    known = {h.id for h in households}
    for hid in assignments:
        if hid not in known:
            problems.append(f"household {hid} is not in the instance")
    for h in households:
        if h.id not in assignments:
            continue
        flight = by_id.get(assignments[h.id])
        if flight is None:
            problems.append(f"household {h.id} is on unknown flight {assignments[h.id]}")
            continue
        if not flight.admits(h):
            problems.append(f"flight {flight.id} does not admit household {h.id}")
        used[flight.id] += h.seats
    for fid, seats in used.items():
        if seats > by_id[fid].seats:
            problems.append(f"flight {fid} overfilled: {seats} seats for {by_id[fid].seats}")
    return problems


# --- the aggregated model ---------------------------------------------------------------------


@dataclass
class _Type:
    seats: int
    people: int
    priority: int
    first_flight: int  # index of the first flight (by departure) it is ready for
    category: str
    previous: int  # index of the flight it was told, or -1
    members: list[HouseholdDemand] = field(default_factory=list)


class _Model:
    """Counts x[t, f] of households of type t on flight f, over admissible pairs only."""

    def __init__(
        self,
        types: list[_Type],
        flights: list[FlightOffer],
        capacity: list[int],
        stay_bonus: float,
    ) -> None:
        self.types, self.flights, self.capacity = types, flights, capacity
        self.stay_bonus = stay_bonus
        n_flights = len(flights)
        total_value = sum(t.priority * t.people * len(t.members) for t in types)
        # The tie-break (earlier departures for higher priorities) is worth less than one unit
        # of the main objective in total, so it never outweighs a single person of priority 1.
        epsilon = 1.0 / (total_value + 1.0)
        cap = np.array(capacity, dtype=np.int64)
        flight_no = np.arange(n_flights)
        admits: dict[str, np.ndarray] = {}
        cols_t, cols_f = [], []
        for ti, t in enumerate(types):
            admitted = admits.get(t.category)
            if admitted is None:
                admitted = admits[t.category] = np.array(
                    [not f.allowed_categories or t.category in f.allowed_categories
                     for f in flights], dtype=bool)
            chosen = np.nonzero(admitted & (flight_no >= t.first_flight) & (cap >= t.seats))[0]
            cols_f.append(chosen)
            cols_t.append(np.full(len(chosen), ti, dtype=np.int64))
        empty = np.zeros(0, dtype=np.int64)
        # Columns are grouped by type, in departure order within a type.
        self.col_type = np.concatenate(cols_t) if cols_t else empty
        self.col_flight = np.concatenate(cols_f).astype(np.int64) if cols_f else empty
        self.type_start = np.searchsorted(self.col_type, np.arange(len(types) + 1))
        self.count = np.array([len(t.members) for t in types], dtype=np.int64)
        self.type_seats = np.array([t.seats for t in types], dtype=np.int64)
        self.type_people = np.array([t.people for t in types], dtype=np.int64)
        self.type_priority = np.array([t.priority for t in types], dtype=np.float64)
        previous = np.array([t.previous for t in types], dtype=np.int64)
        base = (self.type_priority * self.type_people)[self.col_type] if len(types) else (
            np.zeros(0))
        rank = (n_flights - self.col_flight) / max(1, n_flights)
        stays = previous[self.col_type] == self.col_flight if len(types) else np.zeros(0, bool)
        self.value = base.astype(np.float64)
        self.cost = base + epsilon * base * rank + stay_bonus * stays
        seats = self.type_seats[self.col_type] if len(types) else empty
        self.upper = np.minimum(
            self.count[self.col_type], cap[self.col_flight] // np.maximum(seats, 1)
        )
        self.lower = np.zeros(len(self.col_type), dtype=np.int64)

    def highs(self, *, integer: bool) -> highspy.Highs:
        n_cols, n_types = len(self.cost), len(self.types)
        lp = highspy.HighsLp()
        lp.num_col_ = n_cols
        lp.num_row_ = n_types + len(self.flights)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = self.cost
        lp.col_lower_ = self.lower.astype(np.float64)
        lp.col_upper_ = self.upper.astype(np.float64)
        lp.row_lower_ = np.zeros(lp.num_row_)
        lp.row_upper_ = np.concatenate(
            [self.count.astype(np.float64), np.array(self.capacity, dtype=np.float64)]
        )
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.arange(0, 2 * n_cols + 1, 2, dtype=np.int32)
        index = np.empty(2 * n_cols, dtype=np.int32)
        index[0::2] = self.col_type
        index[1::2] = n_types + self.col_flight
        values = np.empty(2 * n_cols, dtype=np.float64)
        values[0::2] = 1.0
        values[1::2] = self.type_seats[self.col_type]
        lp.a_matrix_.index_ = index
        lp.a_matrix_.value_ = values
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.passModel(lp)
        return solver

    def solve_relaxation(self) -> tuple[np.ndarray, float]:
        if len(self.cost) == 0:
            return np.zeros(0), 0.0
        solver = self.highs(integer=False)
        solver.run()
        x = np.array(solver.getSolution().col_value)
        return x, float(self.value @ x)

    def solve_integer(self, start: np.ndarray, *, seconds: float, gap: float) -> np.ndarray | None:
        if len(self.cost) == 0 or seconds <= 0.5:
            return None
        solver = self.highs(integer=True)
        solver.setOptionValue("time_limit", float(seconds))
        solver.setOptionValue("mip_rel_gap", float(gap))
        solution = highspy.HighsSolution()
        solution.col_value = start.astype(np.float64).tolist()
        solution.value_valid = True
        solver.setSolution(solution)
        solver.run()
        if solver.getInfo().primal_solution_status != 2:  # kSolutionStatusFeasible
            return None
        values: np.ndarray = np.rint(np.array(solver.getSolution().col_value)).astype(np.int64)
        return values

    # Repairs work on integer counts and keep every constraint.

    def used_seats(self, x: np.ndarray) -> np.ndarray:
        return np.bincount(
            self.col_flight, weights=x * self.type_seats[self.col_type],
            minlength=len(self.flights),
        ).astype(np.int64)

    def placed_counts(self, x: np.ndarray) -> np.ndarray:
        return np.bincount(self.col_type, weights=x, minlength=len(self.types)).astype(np.int64)

    def fill_greedily(self, x: np.ndarray) -> np.ndarray:
        """Place whoever is left into the seats left: densest value first, earliest flight first."""
        x = x.copy()
        free = np.array(self.capacity, dtype=np.int64) - self.used_seats(x)
        left = self.count - self.placed_counts(x)
        order = sorted(
            range(len(self.types)),
            key=lambda t: (
                -self.types[t].priority * self.types[t].people / self.types[t].seats,
                -self.types[t].priority,
                self.types[t].seats,
            ),
        )
        for t in order:
            if left[t] == 0:
                continue
            cols = np.arange(self.type_start[t], self.type_start[t + 1])
            if len(cols) == 0:
                continue
            seats = self.types[t].seats
            fits = free[self.col_flight[cols]] // seats
            before = np.cumsum(fits) - fits
            take = np.clip(np.minimum(fits, left[t] - before), 0, None)
            if take.any():
                x[cols] += take
                free[self.col_flight[cols]] -= take * seats
                left[t] -= int(take.sum())
        return x

    def put_higher_priorities_first(self, x: np.ndarray) -> np.ndarray:
        """Where a household is left behind while one of the same size and lower priority flies
        on a flight open to both, swap them (a strict gain)."""
        x = x.copy()
        if len(x) == 0:
            return x
        left = self.count - self.placed_counts(x)
        ct, cf = self.col_type, self.col_flight
        seats, people, priority = self.type_seats[ct], self.type_people[ct], self.type_priority[ct]
        order = np.lexsort((-priority, cf, people, seats))
        key = np.stack([seats[order], people[order], cf[order]])
        change = np.concatenate([[True], (key[:, 1:] != key[:, :-1]).any(axis=0)])
        group = np.cumsum(change) - 1
        starts = np.nonzero(change)[0]
        ends = np.append(starts[1:], len(order))
        busy = np.bincount(group, weights=(x[order] > 0), minlength=len(starts)) > 0
        for g in np.nonzero(busy)[0]:
            cols = order[starts[g] : ends[g]].tolist()
            hi, lo = 0, len(cols) - 1
            while hi < lo:
                a, b = cols[hi], cols[lo]
                ta, tb = int(ct[a]), int(ct[b])
                if self.types[ta].priority <= self.types[tb].priority:
                    break
                if left[ta] == 0 or x[a] >= self.upper[a]:
                    hi += 1
                    continue
                if x[b] <= 0:
                    lo -= 1
                    continue
                k = min(int(x[b]), int(left[ta]), int(self.upper[a] - x[a]))
                x[b] -= k
                x[a] += k
                left[ta] -= k
                left[tb] += k
        return x

    def exchange_for_better(self, x: np.ndarray, *, rounds: int = 3) -> np.ndarray:
        """On each flight, swap one household on board for a waiting one worth more that fits
        in its seats plus the seats still free (a strict gain), while such a swap exists."""
        x = x.copy()
        if len(x) == 0:
            return x
        free = np.array(self.capacity, dtype=np.int64) - self.used_seats(x)
        left = self.count - self.placed_counts(x)
        worth = self.type_priority * self.type_people
        by_flight = np.argsort(self.col_flight, kind="stable")
        bounds = np.searchsorted(self.col_flight[by_flight], np.arange(len(self.flights) + 1))
        for _round in range(rounds):
            improved = False
            for f in range(len(self.flights)):
                cols = by_flight[bounds[f] : bounds[f + 1]]
                if len(cols) < 2:
                    continue
                types = self.col_type[cols]
                for _swap in range(50):
                    aboard = cols[x[cols] > 0]
                    waiting = left[types] > 0
                    if len(aboard) == 0 or not waiting.any():
                        break
                    out_types = self.col_type[aboard]
                    # Best gain for each household that could step down: a waiting type that
                    # fits into its seats plus the free ones and is worth more.
                    room = self.type_seats[out_types][:, None] + free[f]
                    fits = (self.type_seats[types][None, :] <= room) & waiting[None, :]
                    gain = np.where(fits, worth[types][None, :] - worth[out_types][:, None],
                                    -np.inf)
                    best = np.unravel_index(np.argmax(gain), gain.shape)
                    if gain[best] <= 1e-9:
                        break
                    out_col, in_col = aboard[best[0]], cols[best[1]]
                    t_out, t_in = int(self.col_type[out_col]), int(self.col_type[in_col])
                    x[out_col] -= 1
                    x[in_col] += 1
                    left[t_out] += 1
                    left[t_in] -= 1
                    free[f] += self.type_seats[t_out] - self.type_seats[t_in]
                    improved = True
            if not improved:
                break
        return x

    def value_of(self, x: np.ndarray) -> float:
        return float(self.value @ x)

    def score_of(self, x: np.ndarray) -> float:
        return float(self.cost @ x)


def _aggregate(
    households: Sequence[HouseholdDemand],
    flights: list[FlightOffer],
    previous_index: Mapping[HouseholdId, int],
) -> list[_Type]:
    departures = [f.departs_at for f in flights]
    restrictions = {f.allowed_categories for f in flights if f.allowed_categories}
    # Categories admitted by exactly the same flights plan alike: one representative stands for
    # them all in the type's key (the ally's plane makes two classes of nine categories).
    admitted_by: dict[str, str] = {}
    by_signature: dict[tuple[bool, ...], str] = {}
    types: dict[tuple[int, int, int, int, str, int], _Type] = {}
    for h in households:
        first = 0 if h.ready_at is None else bisect.bisect_left(departures, h.ready_at)
        prev = previous_index.get(h.id, -1)
        category = admitted_by.get(h.category)
        if category is None:
            signature = tuple(h.category in r for r in sorted(restrictions, key=sorted))
            category = admitted_by[h.category] = by_signature.setdefault(signature, h.category)
        key = (h.seats, h.people, h.priority, first, category, prev)
        kind = types.get(key)
        if kind is None:
            kind = types[key] = _Type(h.seats, h.people, h.priority, first, category, prev)
        kind.members.append(h)
    return list(types.values())


def _disaggregate(model: _Model, x: np.ndarray) -> dict[HouseholdId, FlightId]:
    assignments: dict[HouseholdId, FlightId] = {}
    taken = [0] * len(model.types)
    # Households of one type are alike; the ones told a flight are listed on it first.
    used = np.nonzero(x > 0)[0]
    previous = np.array([t.previous for t in model.types], dtype=np.int64)
    moving = previous[model.col_type[used]] != model.col_flight[used]
    for i in used[np.argsort(moving, kind="stable")].tolist():
        n = int(x[i])
        if n <= 0:
            continue
        t = int(model.col_type[i])
        flight = model.flights[int(model.col_flight[i])]
        for h in model.types[t].members[taken[t] : taken[t] + n]:
            assignments[h.id] = flight.id
        taken[t] += n
    return assignments


# Above this many (type, flight) pairs, branch and bound does not pay within the time limit
# on two cores: the plan is the LP rounding with the greedy fill.
MIP_COLUMNS = 60_000
# Measured: when the rounding is not already optimal, HiGHS gains most in its first seconds.
MIP_SECONDS = 10.0


def _optimise(
    model: _Model, relaxed: np.ndarray, deadline: float, gap: float
) -> tuple[np.ndarray, str]:
    """The better of the LP rounding and the plain greedy (both then filled and repaired), then
    branch and bound from it when the model is small enough and a gap is left."""
    rounded = np.minimum(np.floor(relaxed + 1e-6).astype(np.int64), model.upper)
    candidates = [
        (model.fill_greedily(rounded), "LP rounding + greedy fill"),
        (model.fill_greedily(np.zeros_like(rounded)), "greedy by priority density"),
    ]
    if model.stay_bonus == 0:
        candidates = [
            (model.put_higher_priorities_first(model.fill_greedily(model.exchange_for_better(x))),
             m + ", exchanges")
            for x, m in candidates
        ]
    x, method = max(candidates, key=lambda c: (model.value_of(c[0]), model.score_of(c[0])))
    best_possible = math.floor(float(model.value @ relaxed) + 1e-6)
    if (
        len(model.cost) <= MIP_COLUMNS
        and model.value_of(x) + 1e-6 < best_possible * (1 - gap / 10)
        and deadline - time.monotonic() > 1.0
    ):
        improved = model.solve_integer(
            x, seconds=min(MIP_SECONDS, deadline - time.monotonic()), gap=gap
        )
        if improved is not None and model.value_of(improved) > model.value_of(x):
            x = model.fill_greedily(improved)
            if model.stay_bonus == 0:
                x = model.put_higher_priorities_first(x)
            method = "HiGHS branch and bound from " + method
    return x, method


def _flow_relaxation(
    types: list[_Type], flights: list[FlightOffer], capacity: list[int]
) -> tuple[float, np.ndarray]:
    """The LP relaxation, solved as a flow of seats along each category's time line.

    In seat units the relaxation is a transportation problem whose value per seat does not
    depend on the flight, so a type enters its category's chain of flights at the first one it
    is ready for and may flow on to any later one: T + 2 x F x C columns instead of T x F. (It
    drops the rule that a household wider than a flight cannot board it, so it can only be
    higher, and stays a valid bound.)
    """
    n_flights = len(flights)
    if not types or not n_flights:
        return 0.0, np.zeros((len(types), n_flights))
    classes = sorted({t.category for t in types})
    class_no = {c: k for k, c in enumerate(classes)}

    def node(k: int, i: int) -> int:
        return k * n_flights + i

    n_nodes = len(classes) * n_flights
    starts, index, values, cost, upper = [0], [], [], [], []

    def column(entries: list[tuple[int, float]], value: float, most: float) -> None:
        for row, coefficient in entries:
            index.append(row)
            values.append(coefficient)
        starts.append(len(index))
        cost.append(value)
        upper.append(most)

    entering = []
    for ti, t in enumerate(types):
        if t.first_flight < n_flights:
            entering.append(ti)
            column([(node(class_no[t.category], t.first_flight), 1.0)],
                   t.priority * t.people / t.seats, float(t.seats * len(t.members)))
    boarding = []
    for c, k in class_no.items():
        for i, flight in enumerate(flights):
            if i + 1 < n_flights:
                column([(node(k, i), -1.0), (node(k, i + 1), 1.0)], 0.0, highspy.kHighsInf)
            if not flight.allowed_categories or c in flight.allowed_categories:
                boarding.append((k, i, len(cost)))
                column([(node(k, i), -1.0), (n_nodes + i, 1.0)], 0.0, highspy.kHighsInf)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), n_nodes + n_flights
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.array(cost)
    lp.col_lower_ = np.zeros(len(cost))
    lp.col_upper_ = np.array(upper)
    # Every seat that enters a chain ends on one of its flights.
    lp.row_lower_ = np.concatenate([np.zeros(n_nodes), np.full(n_flights, -highspy.kHighsInf)])
    lp.row_upper_ = np.concatenate([np.zeros(n_nodes), np.array(capacity, dtype=np.float64)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values)
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.passModel(lp)
    solver.run()
    flow = np.array(solver.getSolution().col_value)
    value = float(solver.getInfo().objective_function_value)
    return value, _decompose(types, classes, n_flights, entering, flow, boarding)


def _decompose(
    types: list[_Type],
    classes: list[str],
    n_flights: int,
    entering: list[int],
    flow: np.ndarray,
    boarding: list[tuple[int, int, int]],
) -> np.ndarray:
    """Households (fractional) per type and flight from the seat flow: along each chain, the
    seats boarding a flight are taken from the densest types waiting, which keeps the value
    and puts higher priorities on earlier flights."""
    counts = np.zeros((len(types), n_flights))
    arrivals: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    class_no = {c: k for k, c in enumerate(classes)}
    for column, ti in enumerate(entering):
        if flow[column] > 1e-9:
            t = types[ti]
            arrivals[(class_no[t.category], t.first_flight)].append((ti, float(flow[column])))
    boards = {(k, i): float(flow[column]) for k, i, column in boarding}
    for k in range(len(classes)):
        waiting: list[tuple[float, int, float]] = []
        for i in range(n_flights):
            for ti, seats in arrivals.get((k, i), []):
                t = types[ti]
                heapq.heappush(waiting, (-t.priority * t.people / t.seats, ti, seats))
            need = boards.get((k, i), 0.0)
            while need > 1e-9 and waiting:
                density, ti, seats = heapq.heappop(waiting)
                take = min(seats, need)
                counts[ti, i] += take / types[ti].seats
                need -= take
                if seats - take > 1e-9:
                    heapq.heappush(waiting, (density, ti, seats - take))
    return counts


def _bound(
    households: Sequence[HouseholdDemand], flights: list[FlightOffer], capacity: list[int]
) -> float:
    """The LP-relaxation upper bound on sum of priority x people, with no previous plan."""
    value, _ = _flow_relaxation(_aggregate(households, flights, {}), flights, capacity)
    if all(isinstance(h.priority, int) for h in households):
        return float(math.floor(value + 1e-6))
    return value


def plan_flights(
    households: Sequence[HouseholdDemand],
    flights: Sequence[FlightOffer],
    *,
    previous: Mapping[HouseholdId, FlightId] | None = None,
    move_penalty: float | None = None,
    time_limit: float = 25.0,
    gap: float = 0.001,
) -> Plan:
    """Assign households to flights: most priority x people first, never splitting a household.

    `previous` are the flights households were already told. They keep them unless their flight
    is gone, no longer admits them or has too few seats now (then the lowest priorities of that
    flight give way); the rest are planned on the seats left. With `move_penalty`, a second plan
    that may move told households, each move costing that much objective, is tried as well.
    """
    started = time.monotonic()
    deadline = started + time_limit
    ordered = sorted(flights, key=lambda f: (f.departs_at, str(f.id)))
    capacity = [max(0, f.seats) for f in ordered]
    flight_index = {f.id: i for i, f in enumerate(ordered)}
    previous = dict(previous or {})
    previous_index = {h: flight_index[f] for h, f in previous.items() if f in flight_index}
    bound = _bound(households, ordered, capacity)

    kept = _keep_told_households(households, ordered, previous_index)
    free = list(capacity)
    for h in households:
        if h.id in kept:
            free[previous_index[h.id]] -= h.seats
    rest = [h for h in households if h.id not in kept]
    types = _aggregate(rest, ordered, {})
    model = _Model(types, ordered, free, 0.0)
    _, counts = _flow_relaxation(types, ordered, free)
    relaxed = counts[model.col_type, model.col_flight]
    x, method = _optimise(model, relaxed, deadline, gap)
    placed = _disaggregate(model, x)
    fitted = _first_fit(rest, ordered, free)
    if objective_of(rest, fitted) > objective_of(rest, placed):
        placed, method = fitted, "greedy first fit by priority density"
    assignments = {h.id: ordered[previous_index[h.id]].id for h in households if h.id in kept}
    assignments.update(placed)
    if previous and move_penalty is not None:
        # A second plan in which told households may move, at move_penalty each.
        told_types = _aggregate(households, ordered, previous_index)
        free_model = _Model(told_types, ordered, capacity, move_penalty)
        relaxed, _ = free_model.solve_relaxation()
        y, free_method = _optimise(free_model, relaxed, deadline, gap)
        other = _disaggregate(free_model, y)
        if _penalised(households, other, previous, move_penalty) > _penalised(
            households, assignments, previous, move_penalty
        ):
            assignments, method = other, free_method + ", with penalised moves"
    moves = [
        Move(household=h, from_flight=f, to_flight=assignments.get(h))
        for h, f in previous.items()
        if assignments.get(h) != f
    ]
    return Plan(
        assignments=assignments,
        objective=objective_of(households, assignments),
        bound=bound,
        seconds=time.monotonic() - started,
        method=method,
        moves=sorted(moves, key=lambda m: str(m.household)),
    )


def _penalised(
    households: Sequence[HouseholdDemand],
    assignments: Mapping[HouseholdId, FlightId],
    previous: Mapping[HouseholdId, FlightId],
    penalty: float,
) -> float:
    moved = sum(1 for h, f in previous.items() if assignments.get(h) != f)
    return objective_of(households, assignments) - penalty * moved


def _keep_told_households(
    households: Sequence[HouseholdDemand],
    flights: list[FlightOffer],
    previous_index: Mapping[HouseholdId, int],
) -> set[HouseholdId]:
    """Told households that can stay where they are: their flight still admits them and, if its
    seats shrank, the highest priorities (then the larger families) keep theirs."""
    on_flight: dict[int, list[HouseholdDemand]] = defaultdict(list)
    for h in households:
        fi = previous_index.get(h.id)
        if fi is not None and flights[fi].admits(h):
            on_flight[fi].append(h)
    kept: set[HouseholdId] = set()
    for fi, told in on_flight.items():
        free = flights[fi].seats
        for h in sorted(told, key=lambda h: (-h.priority, -h.people, str(h.id))):
            if h.seats <= free:
                kept.add(h.id)
                free -= h.seats
    return kept


def _first_fit(
    households: Sequence[HouseholdDemand], flights: list[FlightOffer], free: list[int]
) -> dict[HouseholdId, FlightId]:
    """Households by priority density (then priority), each on the earliest flight with room.

    It keeps the rule that no household is left behind for a lower priority of its size: room
    on a flight only shrinks, and the higher priority of two alike households comes first.
    """
    free = list(free)
    open_flights = [i for i, seats in enumerate(free) if seats > 0]
    assignments: dict[HouseholdId, FlightId] = {}
    for h in sorted(households, key=lambda h: (-h.priority * h.people / h.seats, -h.priority)):
        for position, i in enumerate(open_flights):
            if free[i] >= h.seats and flights[i].admits(h):
                assignments[h.id] = flights[i].id
                free[i] -= h.seats
                if free[i] == 0:
                    del open_flights[position]
                break
        if not open_flights:
            break
    return assignments


def plan_greedily(
    households: Sequence[HouseholdDemand], flights: Sequence[FlightOffer]
) -> Plan:
    """The baseline: first fit by priority density, no solver."""
    started = time.monotonic()
    ordered = sorted(flights, key=lambda f: (f.departs_at, str(f.id)))
    assignments = _first_fit(households, ordered, [f.seats for f in ordered])
    seconds = time.monotonic() - started
    return Plan(
        assignments=assignments,
        objective=objective_of(households, assignments),
        bound=_bound(households, ordered, [f.seats for f in ordered]),
        seconds=seconds,
        method="greedy first fit by priority density",
    )
