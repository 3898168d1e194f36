"""The one door to the placement optimiser: `place(instance) -> placement` (issue 20, item 4).

The optimiser (resettlement.placement, written in parallel) is used when it is there. Until it
lands, `temporary_greedy_place` stands in: each family in turn, highest best score first, to
its best admissible place with room in every dimension. It keeps the contract (families never
split, capacity per dimension, ties, needs, languages, a score required) but no LP bound of its
own: `bound` is the sum of each family's best admissible score, an upper bound.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, cast

Placer = Callable[[dict[str, Any]], dict[str, Any]]


def _admissible(family: dict[str, Any], place: dict[str, Any]) -> str:
    """'' when the family may go to the place, else why not (a code)."""
    if family.get("ties") and place["id"] not in family["ties"]:
        return "ties"
    if not set(family.get("needs") or []) <= set(place.get("services") or []):
        return "needs"
    theirs, ours = family.get("languages") or [], place.get("languages") or []
    if theirs and ours and not set(theirs) & set(ours):
        return "language"
    return ""


def _unit_for(people: int, capacity: dict[str, Any]) -> str | None:
    """The smallest free housing unit at least the family's size ('' when the place has no
    housing rule, None when none is free)."""
    units = capacity.get("housing_units")
    if not units:
        return ""
    sizes = sorted((int(size), size) for size, n in units.items() if n > 0 and int(size) >= people)
    return sizes[0][1] if sizes else None


def temporary_greedy_place(instance: dict[str, Any]) -> dict[str, Any]:
    places = {p["id"]: p for p in instance.get("places", [])}
    left = {pid: {k: (dict(v) if isinstance(v, dict) else v)
                  for k, v in (p.get("capacity") or {}).items()} for pid, p in places.items()}
    scores: dict[Any, dict[Any, float]] = {}
    for s in instance.get("scores", []):
        scores.setdefault(s["family"], {})[s["place"]] = float(s["score"])
    options: dict[Any, list[tuple[float, Any]]] = {}
    unplaced: list[dict[str, Any]] = []
    for family in instance.get("families", []):
        scored = scores.get(family["id"], {})
        refusals = {pid: _admissible(family, places[pid]) for pid in scored if pid in places}
        fine = sorted(((sc, pid) for pid, sc in scored.items()
                       if pid in refusals and not refusals[pid]), key=lambda t: -t[0])
        if fine:
            options[family["id"]] = fine
        elif not scored:
            unplaced.append({"family": family["id"], "reason": "no score for any place"})
        else:
            why = sorted(set(refusals.values()) - {""}) or ["no place"]
            unplaced.append({"family": family["id"],
                             "reason": "no place meets its " + " and ".join(why)})
    families = {f["id"]: f for f in instance.get("families", [])}
    assignments, objective, bound = [], 0.0, 0.0
    for fid in sorted(options, key=lambda f: -options[f][0][0]):
        bound += options[fid][0][0]
        members = families[fid].get("members") or {}
        for score, pid in options[fid]:
            unit = _unit_for(sum(members.values()), left[pid])
            if unit is not None and all(left[pid].get(k, 0) >= n for k, n in members.items()
                                        if n):
                for k, n in members.items():
                    left[pid][k] = left[pid].get(k, 0) - n
                if unit:
                    left[pid]["housing_units"][unit] -= 1
                assignments.append({"family": fid, "place": pid})
                objective += score
                break
        else:
            unplaced.append({"family": fid, "reason": "no remaining capacity where it may go"})
    return {"assignments": assignments, "objective": objective, "bound": bound,
            "unplaced": unplaced, "method": "temporary greedy"}


def optimiser() -> Placer:
    """placement.place when the placement module is installed, else the temporary greedy."""
    try:
        module = importlib.import_module("safepassage.resettlement.placement")
    except ModuleNotFoundError:
        return temporary_greedy_place
    return cast("Placer", module.place)


def place(instance: dict[str, Any]) -> dict[str, Any]:
    return optimiser()(instance)
