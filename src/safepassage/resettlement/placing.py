"""The one door from the resettlement app to the placement optimiser (issue 20, item 4):
`place(instance) -> placement` on the JSON form of `safepassage place-file`
(resettlement.placement: families never split, capacity per dimension, ties, needs,
languages, a score required, an LP bound, a reason for each family left out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safepassage.resettlement import placement

Placer = Callable[[dict[str, Any]], dict[str, Any]]


def optimiser() -> Placer:
    return placement.place


def place(instance: dict[str, Any]) -> dict[str, Any]:
    return optimiser()(instance)
