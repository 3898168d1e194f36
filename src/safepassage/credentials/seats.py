"""The seat a household holds, as airlift tells it: a boarding pass is issued only for it.

Credentials sits below airlift in the layers, so airlift provides the look-up from its
AppConfig.ready() (decision 0071). Without a provider no household holds a seat and no boarding
pass is issued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from safepassage.registry.models import Case


@dataclass(frozen=True)
class HeldSeat:
    flight_code: str
    departs_at: dt.datetime
    departure_date: dt.date  # local date of departure, as printed on the pass
    origin: str
    destination: str
    assembly_point: str = ""  # where the household gathers before the flight, if recorded


SeatOf = Callable[[Case], "HeldSeat | None"]
_providers: list[SeatOf] = []


def provide(seat_of: SeatOf) -> None:
    """Airlift's look-up of the live seat of a case on a scheduled flight (once)."""
    if seat_of not in _providers:
        _providers[:] = [seat_of]


def seat_of(case: Case) -> HeldSeat | None:
    return _providers[0](case) if _providers else None
