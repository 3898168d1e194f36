"""Airlift vouches for the facts it records: a seat, the gate, the landing (decision 0070).

AirliftConfig.ready() claims the three facts from registry.facts and keeps their owners here;
airlift's services move cases with registry.services.earn_case_status and evidence made below.
Each check looks at the seats again, inside the move's transaction.
"""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from safepassage.airlift.models import Flight, FlightStatus, Seat
from safepassage.registry import facts
from safepassage.registry.models import Case, Fact, Status

_owners: dict[str, facts.FactOwner] = {}

# A seat earns "manifested" only on a flight still to leave.
SCHEDULED = (FlightStatus.PLANNED, FlightStatus.DELAYED, FlightStatus.BOARDING)


def _live_seat(case: Case) -> Seat | None:
    return (Seat.objects.exclude(gate=Seat.Gate.NO_SHOW).select_related("flight")
            .filter(case_id=case.pk).first())


def check_seat(case: Case, to_status: str) -> str:
    seat = _live_seat(case)
    if to_status != Status.MANIFESTED:  # the seat went: waiting again
        return "" if seat is None else _("The household still holds a seat on %(f)s.") % {
            "f": seat.flight}
    if seat is None:
        return _("The household holds no seat on a flight; the plan or an airlift officer "
                 "gives it one.")
    flight = seat.flight
    if flight.status not in SCHEDULED:
        return _("Flight %(f)s is %(s)s: it takes no passengers.") % {
            "f": flight, "s": flight.get_status_display()}
    if flight.allowed_categories and case.category not in flight.allowed_categories:
        return _("Flight %(f)s does not admit this household's category.") % {"f": flight}
    used = (Seat.objects.filter(flight=flight).exclude(gate=Seat.Gate.NO_SHOW)
            .aggregate(n=Sum("seats"))["n"]) or 0
    if used > flight.seats:
        return _("Flight %(f)s has more seats given than it holds (%(used)s of %(seats)s).") % {
            "f": flight, "used": used, "seats": flight.seats}
    return ""


def check_gate(case: Case, to_status: str) -> str:
    mark = Seat.Gate.BOARDED if to_status == Status.BOARDED else Seat.Gate.NO_SHOW
    if not Seat.objects.filter(case_id=case.pk, gate=mark).exists():
        return _("The gate of the household's flight has not recorded it as %(mark)s.") % {
            "mark": Seat.Gate(mark).label}
    return ""


def check_landing(case: Case, to_status: str) -> str:
    if not Seat.objects.filter(case_id=case.pk, gate=Seat.Gate.BOARDED,
                               flight__landed_at__isnull=False).exists():
        return _("The flight the household boarded is not recorded as landed.")
    return ""


def claim_facts() -> None:
    """Called once, from AirliftConfig.ready()."""
    if _owners:
        return
    _owners[Fact.SEAT] = facts.claim(Fact.SEAT, app="airlift", check=check_seat)
    _owners[Fact.GATE] = facts.claim(Fact.GATE, app="airlift", check=check_gate)
    _owners[Fact.LANDING] = facts.claim(Fact.LANDING, app="airlift", check=check_landing)


def seat(case: Case, flight: Flight | None) -> facts.Evidence:
    detail = f"seat on {flight.code}" if flight is not None else "seat withdrawn"
    return _owners[Fact.SEAT].evidence(case=case, detail=detail)


def gate(case: Case, flight: Flight, mark: str) -> facts.Evidence:
    return _owners[Fact.GATE].evidence(case=case, detail=f"{mark} at the gate of {flight.code}")


def landing(case: Case, flight: Flight) -> facts.Evidence:
    return _owners[Fact.LANDING].evidence(
        case=case, detail=f"{flight.code} landed at {flight.destination}")
