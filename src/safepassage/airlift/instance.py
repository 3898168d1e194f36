"""The JSON format of a planning instance and of a plan (`safepassage plan-file`).

Every rejected value names where it is, what is wrong and what to write instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from safepassage.airlift.planner import (
    NOT_READY,
    FlightOffer,
    HouseholdDemand,
    Plan,
    why_not_placed,
)


class InstanceError(ValueError):
    pass


@dataclass
class Instance:
    households: list[HouseholdDemand]
    flights: list[FlightOffer]
    previous: dict[Hashable, Hashable]
    # Households marked "ready": false (readiness facts missing): reported, never planned.
    not_ready: list[Hashable] = field(default_factory=list)


def _when(value: Any, where: str) -> dt.datetime:
    if not isinstance(value, str):
        raise InstanceError(f"{where}: expected an ISO 8601 time such as 2021-08-20T14:00:00Z.")
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InstanceError(
            f"{where}: {value!r} is not an ISO 8601 time; write e.g. 2021-08-20T14:00:00+04:30."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _whole(record: dict[str, Any], key: str, where: str, *, least: int) -> int:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InstanceError(f"{where}.{key}: expected a whole number of at least {least}.")
    return value


def _id(record: dict[str, Any], where: str) -> Hashable:
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
        raise InstanceError(f"{where}.id: expected a number or a non-empty text.")
    return value


def _new_id(record: dict[str, Any], where: str, seen: set[Hashable]) -> Hashable:
    """The record's id, refused if an earlier record of its list had it."""
    value = _id(record, where)
    if value in seen:
        raise InstanceError(f"{where}.id: {value!r} appears twice; ids must be unique.")
    seen.add(value)
    return value


def parse_instance(data: Any) -> Instance:
    if not isinstance(data, dict):
        raise InstanceError("The instance must be a JSON object with households and flights.")
    households, flights = [], []
    not_ready: list[Hashable] = []
    for key in ("households", "flights"):
        if not isinstance(data.get(key), list):
            raise InstanceError(f"{key}: expected a list (it may be empty).")
    seen: set[Hashable] = set()
    for i, raw in enumerate(data["households"]):
        where = f"households[{i}]"
        if not isinstance(raw, dict):
            raise InstanceError(f"{where}: expected an object.")
        hid = _new_id(raw, where, seen)
        priority = raw.get("priority", 0)
        if isinstance(priority, bool) or not isinstance(priority, int) or priority < 0:
            raise InstanceError(f"{where}.priority: expected a whole number of at least 0.")
        category = raw.get("category", "")
        if not isinstance(category, str):
            raise InstanceError(f"{where}.category: expected a text.")
        ready = raw.get("ready_at")
        is_ready = raw.get("ready", True)
        if not isinstance(is_ready, bool):
            raise InstanceError(f"{where}.ready: expected true or false.")
        if not is_ready:
            not_ready.append(hid)
            continue
        households.append(
            HouseholdDemand(
                id=hid,
                people=_whole(raw, "people", where, least=1),
                seats=_whole(raw, "seats", where, least=1),
                priority=priority,
                ready_at=None if ready is None else _when(ready, f"{where}.ready_at"),
                category=category,
            )
        )
    flight_ids: set[Hashable] = set()
    for i, raw in enumerate(data["flights"]):
        where = f"flights[{i}]"
        if not isinstance(raw, dict):
            raise InstanceError(f"{where}: expected an object.")
        fid = _new_id(raw, where, flight_ids)
        allowed = raw.get("allowed_categories") or []
        if not isinstance(allowed, list) or not all(isinstance(c, str) for c in allowed):
            raise InstanceError(f"{where}.allowed_categories: expected a list of categories.")
        flights.append(
            FlightOffer(
                id=fid,
                seats=_whole(raw, "seats", where, least=0),
                departs_at=_when(raw.get("departs_at"), f"{where}.departs_at"),
                allowed_categories=frozenset(allowed),
            )
        )
    previous: dict[Hashable, Hashable] = {}
    raw_previous = data.get("previous") or []
    if not isinstance(raw_previous, list):
        raise InstanceError("previous: expected a list of {household, flight} objects.")
    for i, raw in enumerate(raw_previous):
        where = f"previous[{i}]"
        if not isinstance(raw, dict) or raw.get("household") not in seen:
            raise InstanceError(f"{where}.household: expected the id of a household above.")
        # A previous flight absent from `flights` has been cancelled: its households must move.
        previous[raw["household"]] = raw.get("flight")
    return Instance(households=households, flights=flights, previous=previous,
                    not_ready=not_ready)


def _whole_if_integral(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def unplaced(instance: Instance, plan: Plan) -> list[dict[str, Any]]:
    """Every household of the instance left without a seat, with why."""
    reasons = why_not_placed(instance.households, instance.flights, plan.assignments)
    return ([{"household": h, "reason": NOT_READY} for h in instance.not_ready]
            + [{"household": h, "reason": r} for h, r in reasons.items()])


def plan_as_json(plan: Plan, instance: Instance | None = None) -> dict[str, Any]:
    return {
        "assignments": [
            {"household": h, "flight": f} for h, f in plan.assignments.items()
        ],
        "objective": _whole_if_integral(plan.objective),
        "bound": _whole_if_integral(plan.bound),
        "percent_of_bound": round(plan.percent_of_bound, 3),
        "households_placed": plan.placed,
        "seconds": round(plan.seconds, 3),
        "method": plan.method,
        "moved": [
            {"household": m.household, "from": m.from_flight, "to": m.to_flight}
            for m in plan.moves
        ],
        **({"unplaced": unplaced(instance, plan)} if instance is not None else {}),
    }
