"""Which households a flight may seat beyond its categories: resettlement's "capacity before
travel" (a planned resettlement flight seats only households a place has accepted or holds).

Airlift sits below resettlement, so it does not read places itself: resettlement provides the
rule in its AppConfig.ready(). Without resettlement every flight admits every household.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from safepassage.registry.models import Category


@dataclass(frozen=True)
class Rule:
    flights_needing_placement: Callable[[Iterable[int]], set[int]]
    cases_with_placement: Callable[[Iterable[int]], set[int]]


_rules: list[Rule] = []

# The planner knows categories only; a household with a placement plans under a category of its
# own, and a flight that needs placement admits only those.
PLACED = "+placed"


def provide(rule: Rule) -> None:
    _rules[:] = [rule]


def flights_needing_placement(flight_ids: Iterable[int]) -> set[int]:
    return _rules[0].flights_needing_placement(list(flight_ids)) if _rules else set()


def cases_with_placement(case_ids: Iterable[int]) -> set[int]:
    return _rules[0].cases_with_placement(list(case_ids)) if _rules else set()


def planning_category(category: str, *, placed: bool) -> str:
    return category + PLACED if placed else category


def planning_categories(allowed: Iterable[str], *, needs_placement: bool) -> frozenset[str]:
    """What a flight admits, in planning categories: an empty set still means everyone."""
    allowed = list(allowed)
    if needs_placement:
        return frozenset(c + PLACED for c in (allowed or Category.values))
    if not allowed:
        return frozenset()
    return frozenset([*allowed, *(c + PLACED for c in allowed)])
