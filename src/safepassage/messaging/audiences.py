"""Who a broadcast reaches: its filters, and the cases they select.

Messaging sits below airlift (airlift queues its flight notices through the outbox), so it does
not read seats itself: airlift tells it, in its AppConfig.ready(), which flights are open and
which households hold seats on one (provide_flights). Without airlift, a broadcast has no
flight to choose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from safepassage.registry.models import Case


@dataclass
class Audience:
    """Which households a broadcast goes to: every filter given must hold."""

    categories: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    flight: int | None = None  # an airlift Flight's id: the households holding seats on it

    def as_json(self) -> dict[str, Any]:
        audience: dict[str, Any] = {"categories": sorted(self.categories),
                                    "statuses": sorted(self.statuses)}
        if self.flight is not None:
            audience["flight"] = self.flight
        return audience


@dataclass(frozen=True)
class Flights:
    """What airlift provides: the open flights to choose from, as (id, code), and the cases
    whose households hold a live seat on one flight."""

    open_flights: Callable[[], list[tuple[int, str]]]
    cases_on_flight: Callable[[int], QuerySet[Case]]


_flights: list[Flights] = []


def provide_flights(flights: Flights) -> None:
    _flights[:] = [flights]


def open_flights() -> list[tuple[int, str]]:
    return _flights[0].open_flights() if _flights else []


def cases_in_audience(audience: Audience) -> QuerySet[Case]:
    """The cases a broadcast reaches. Extend here as new ways to choose an audience arrive."""
    cases = Case.objects.all()
    if audience.categories:
        cases = cases.filter(category__in=audience.categories)
    if audience.statuses:
        cases = cases.filter(status__in=audience.statuses)
    if audience.flight is not None:
        if not _flights:
            raise ValidationError({"flight": _("No flights are known here; choose no flight.")})
        on_flight = _flights[0].cases_on_flight(audience.flight)
        cases = cases.filter(pk__in=on_flight.values("pk"))
    return cases.order_by("pk")
