"""Reads for the airlift pages: flights with their load, manifests and the gate list.

A manifest names people: producing one is audited. The gate list carries the minimum a gate
agent needs (reference, the head's name, how many travel), nothing else of the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.airlift.models import (
    Flight,
    FlightStatus,
    GateMark,
    PlanRun,
    Seat,
    TravelReadiness,
)
from safepassage.audit import services as audit
from safepassage.credentials.seats import HeldSeat
from safepassage.registry import latin
from safepassage.registry.models import Case, Person, Status, StatusChange


def flights_for(*, actor: Actor) -> QuerySet[Flight]:
    if not permissions.can(actor, permissions.BOARD_PASSENGERS):
        permissions.require(actor, permissions.MANAGE_FLIGHTS)
    live = ~Q(passengers__gate=Seat.Gate.NO_SHOW)
    return Flight.objects.annotate(
        seats_taken=Sum("passengers__seats", filter=live),
        people_on_board=Sum("passengers__people", filter=live),
        households=Count("passengers", filter=live),
    ).order_by("departs_at", "code")


def held_seat(case: Case) -> HeldSeat | None:
    """The live seat of a case on a flight still to leave, for credentials' boarding pass."""
    seat = (Seat.objects.filter(case_id=case.pk, flight__status__in=[
        FlightStatus.PLANNED, FlightStatus.DELAYED, FlightStatus.BOARDING])
        .exclude(gate=Seat.Gate.NO_SHOW).select_related("flight").first())
    if seat is None:
        return None
    flight = seat.flight
    point = (TravelReadiness.objects.filter(case_id=case.pk)
             .values_list("assembly_point", flat=True).first())
    return HeldSeat(flight_code=flight.code, departs_at=flight.departs_at,
                    departure_date=timezone.localdate(flight.departs_at), origin=flight.origin,
                    destination=flight.destination, assembly_point=point or "")


def open_flights() -> list[tuple[int, str]]:
    """Flights a broadcast can still reach the passengers of: not departed, not cancelled."""
    flights = Flight.objects.exclude(status__in=[FlightStatus.DEPARTED, FlightStatus.LANDED,
                                                 FlightStatus.CANCELLED])
    return [(flight.pk, str(flight)) for flight in flights]


def cases_on_flight(flight_id: int) -> QuerySet[Case]:
    """The cases whose households hold a live seat on a flight (expected, checked in or
    boarded; a no-show's seat is only a record): for a broadcast to a flight."""
    seats = Seat.objects.filter(flight_id=flight_id).exclude(gate=Seat.Gate.NO_SHOW)
    return Case.objects.filter(pk__in=seats.values("case_id")).order_by("pk")


def get_flight(*, actor: Actor, flight_id: int) -> Flight:
    return flights_for(actor=actor).get(pk=flight_id)


def latest_plan(*, actor: Actor) -> PlanRun | None:
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    return PlanRun.objects.select_related("flight").first()


@dataclass(frozen=True)
class SeatLost:
    """An approved household whose seat went (a correction it no longer fitted, a change of
    flights) and which holds none yet: the plan or an officer gives it another."""

    reference: str
    at: dt.datetime
    reason: str


def households_needing_seat(*, actor: Actor, limit: int = 200) -> list[SeatLost]:
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    live = Seat.objects.exclude(gate=Seat.Gate.NO_SHOW).values("case_id")
    latest = StatusChange.objects.filter(case=OuterRef("pk")).order_by("-at", "-pk")
    last_moves = (Case.objects.filter(status=Status.APPROVED).exclude(pk__in=live)
                  .annotate(last_from=Subquery(latest.values("from_status")[:1]),
                            last_move=Subquery(latest.values("pk")[:1]))
                  .filter(last_from=Status.MANIFESTED).values_list("last_move", flat=True))
    changes = (StatusChange.objects.filter(pk__in=list(last_moves)).select_related("case")
               .order_by("-at", "-pk")[:limit])
    return [SeatLost(reference=c.case.reference, at=c.at, reason=c.reason) for c in changes]


def get_plan(*, actor: Actor, plan_id: int) -> PlanRun:
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    return PlanRun.objects.select_related("flight").get(pk=plan_id)


@dataclass
class Passenger:
    family_name: str
    given_names: str
    document: str
    document_kind: str
    birth_date: str
    sex: str
    infant: bool
    gate_mark: str = ""  # this member marked at the gate: "Boarded", "No-show", or nothing yet


@dataclass
class ManifestHousehold:
    number: int
    reference: str
    seats: int
    gate: str
    passengers: list[Passenger]


def under_two(birth: dt.date | None, on: dt.date) -> bool:
    # The earliest possible birth date is stored: a child counts as an infant only if even
    # that date is less than two years before the flight.
    if birth is None:
        return False
    try:
        second_birthday = birth.replace(year=birth.year + 2)
    except ValueError:  # 29 February
        second_birthday = birth.replace(year=birth.year + 2, day=28)
    return second_birthday > on


def _birth(p: Person) -> dt.date | None:
    return cast("dt.date | None", p.birth_date)  # an EncryptedDateField holds a date


def flight_manifest(
    *, actor: Actor, flight: Flight, purpose: str = "view"
) -> list[ManifestHousehold]:
    """The passengers of a flight, household by household (head first). Audited."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    seats = list(
        Seat.objects.filter(flight=flight).exclude(gate=Seat.Gate.NO_SHOW)
        .select_related("case__household").order_by("pk")
    )
    people: dict[int, list[Person]] = {}
    for p in Person.objects.filter(
        household_id__in=[s.case.household_id for s in seats]
    ).order_by("pk"):
        people.setdefault(p.household_id, []).append(p)
    marks = {
        (m.seat_id, m.person_id): m.get_mark_display()
        for m in GateMark.objects.filter(seat__in=seats, undone_at__isnull=True)
    }
    on = flight.departs_at.date()
    households = []
    for number, seat in enumerate(seats, start=1):
        head_id = seat.case.household.head_id
        members = sorted(people.get(seat.case.household_id, []), key=lambda p: p.pk != head_id)
        households.append(
            ManifestHousehold(
                number=number, reference=seat.case.reference, seats=seat.seats,
                gate=seat.get_gate_display(),
                passengers=[
                    Passenger(
                        family_name=latin.icao_part(p.latin_family),
                        given_names=latin.icao_part(p.latin_given),
                        document=p.passport_number or p.tazkira_number,
                        document_kind="P" if p.passport_number else ("T" if p.tazkira_number
                                                                      else ""),
                        birth_date=str(p.birth_date or ""),
                        sex=p.sex[:1].upper() if p.sex in ("female", "male") else "X",
                        infant=under_two(_birth(p), on),
                        gate_mark=str(marks.get((seat.pk, p.pk), "")),
                    )
                    for p in members
                ],
            )
        )
    audit.record(
        actor=actor, action=f"airlift.manifest_{purpose}", object_type="flight",
        object_id=flight.code,
        details={"households": len(households),
                 "people": sum(len(h.passengers) for h in households)},
    )
    return households


@dataclass
class GateRow:
    seat_id: int
    reference: str
    head_name: str
    people: int
    seats: int
    gate: str
    gate_label: str


def gate_list(*, actor: Actor, flight: Flight) -> list[GateRow]:
    permissions.require(actor, permissions.BOARD_PASSENGERS)
    seats = list(
        Seat.objects.filter(flight=flight).select_related("case__household__head").order_by("pk")
    )
    audit.record(actor=actor, action="airlift.gate_list_read", object_type="flight",
                 object_id=flight.code, details={"households": len(seats)})
    return [
        GateRow(
            seat_id=s.pk, reference=s.case.reference,
            head_name=s.case.household.head.latin_full_name if s.case.household.head else "",
            people=s.people, seats=s.seats, gate=s.gate, gate_label=s.get_gate_display(),
        )
        for s in seats
    ]


def households_to_ready(*, actor: Actor, missing: str = "") -> list[tuple[Case, list[str]]]:
    """Approved households not yet ready to fly, with the facts each still lacks; `missing`
    keeps only those lacking that fact (READINESS_FACTS code)."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    cases = list(Case.objects.filter(status=Status.APPROVED).exclude(readiness__complete=True)
                 .select_related("readiness").order_by("-priority", "created_at")[:500])
    members: dict[int, list[int]] = {}
    for pk, household in Person.objects.filter(
            household_id__in=[c.household_id for c in cases]).values_list("pk", "household_id"):
        members.setdefault(household, []).append(pk)
    rows = []
    for case in cases:
        readiness = getattr(case, "readiness", None)
        gaps = (["readiness"] if readiness is None
                else readiness.missing(members.get(case.household_id, [])))
        if not missing or missing in gaps or (readiness is None and missing != ""):
            rows.append((case, gaps))
    return rows


@dataclass(frozen=True)
class GateMember:
    person_id: int
    name: str  # the Latin-script name (ICAO form on the manifest)
    age: int | None
    mark: str  # the live mark, "" when not yet marked
    key: str  # the live mark's key, for its undo


@dataclass(frozen=True)
class GateHousehold:
    seat_id: int
    reference: str
    gate: str
    members: list[GateMember]

    @property
    def count(self) -> int:
        return len(self.members)


def _age(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def gate_households(*, actor: Actor, flight: Flight) -> list[GateHousehold]:
    """Each household seated on the flight with what the gate needs of its members: the Latin
    name, the age and the live mark; nothing more (decision 0074). The read is audited."""
    from safepassage.airlift.models import GateMark

    permissions.require(actor, permissions.BOARD_PASSENGERS)
    seats = list(Seat.objects.filter(flight=flight).exclude(gate=Seat.Gate.NO_SHOW)
                 .select_related("case").order_by("pk"))
    people: dict[int, list[Person]] = {}
    for p in Person.objects.filter(household_id__in=[s.case.household_id for s in seats]
                                   ).order_by("pk"):
        people.setdefault(p.household_id, []).append(p)
    marks = {(m.seat_id, m.person_id): m
             for m in GateMark.objects.filter(seat__in=seats, undone_at=None)}
    today = timezone.localdate()
    audit.record(actor=actor, action="airlift.gate_households_read", object_type="flight",
                 object_id=flight.code, details={"households": len(seats)})
    return [
        GateHousehold(
            seat_id=s.pk, reference=s.case.reference, gate=s.gate,
            members=[GateMember(person_id=p.pk, name=p.latin_full_name or "?",
                                age=_age(p.birth_date, today),
                               mark=marks[(s.pk, p.pk)].mark if (s.pk, p.pk) in marks else "",
                               key=marks[(s.pk, p.pk)].key if (s.pk, p.pk) in marks else "")
                     for p in people.get(s.case.household_id, [])],
        )
        for s in seats
    ]


# Verdicts at the gate (decision 0074).
FOR_THIS_FLIGHT, NOT_THIS_FLIGHT, REVOKED, FORGED, EXPIRED = (
    "valid", "not_this_flight", "revoked", "forged", "expired")


def gate_verdict(*, actor: Actor, flight: Flight, text: str) -> tuple[str, str, int | None]:
    """The verdict on a scanned pass or a typed case reference at this flight's gate: the
    verdict code, the case reference it names and the seat on this flight (None if none)."""
    from safepassage.credentials import selectors as credential_selectors
    from safepassage.credentials import verification

    permissions.require(actor, permissions.BOARD_PASSENGERS)
    text = text.strip()
    reference = text.upper()
    if len(text) > 40:  # a token, not a reference
        verdict = verification.verify_credential(
            text, trust=credential_selectors.trust_store_from_database())
        if verdict.result == verification.REVOKED:
            result = REVOKED
        elif verdict.result == verification.EXPIRED:
            result = EXPIRED
        elif not verdict.ok or verdict.claims is None:
            result = FORGED
        else:
            payload = verdict.claims.payload
            reference = payload.case_reference
            code = "".join(flight.code.split()).replace("-", "").upper()
            result = (FOR_THIS_FLIGHT if payload.kind == "B" and payload.flight == code
                      else NOT_THIS_FLIGHT)
        if result in (FORGED,):
            reference = ""
    else:
        result = FOR_THIS_FLIGHT
    seat = (Seat.objects.filter(flight=flight, case__reference=reference)
            .exclude(gate=Seat.Gate.NO_SHOW).first()) if reference else None
    if seat is None and result == FOR_THIS_FLIGHT:
        result = NOT_THIS_FLIGHT
    if result != FOR_THIS_FLIGHT:
        seat = None
    audit.record(actor=actor, action="airlift.gate_checked", object_type="flight",
                 object_id=flight.code, details={"verdict": result, "case": reference})
    return result, reference, seat.pk if seat else None
