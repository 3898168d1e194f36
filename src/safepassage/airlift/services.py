"""Changes made by airlift officers and gate agents: flights, plans, re-plans and the gate.

Every function checks the actor's capability, writes its audit entry, and moves cases only
through registry.services.earn_case_status with the evidence of the seat, the gate or the landing
(airlift.evidence; decision 0070): approved -> manifested -> boarded / no-show -> arrived.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.airlift import admission, evidence
from safepassage.airlift.models import (
    OPEN_STATUSES,
    READINESS_FACTS,
    Flight,
    FlightStatus,
    GateMark,
    Operator,
    PlanRun,
    Seat,
    TravelReadiness,
)
from safepassage.airlift.planner import (
    NOT_READY,
    FlightOffer,
    HouseholdDemand,
    plan_flights,
    why_not_placed,
)
from safepassage.airlift.selectors import under_two
from safepassage.audit import services as audit
from safepassage.credentials import services as credentials
from safepassage.credentials.models import Credential, CredentialKind
from safepassage.messaging import services as messaging
from safepassage.messaging.models import Kind
from safepassage.registry import selectors as registry_selectors
from safepassage.registry.models import Case, Category, Person, Status
from safepassage.registry.services import earn_case_status

# A missing priority (not yet scored by triage) plans as the lowest: it gains no objective,
# and such households only take seats nobody with a priority can use.
LOWEST_PRIORITY = 0
DEFAULT_TIME_LIMIT = 20.0


def _check_categories(categories: Iterable[str]) -> list[str]:
    chosen = sorted(set(categories))
    unknown = [c for c in chosen if c not in Category.values]
    if unknown:
        raise ValidationError(
            {"allowed_categories": _("Unknown category: %(c)s. Choose from the list.")
             % {"c": ", ".join(unknown)}}
        )
    return chosen


def create_flight(
    *,
    actor: Actor,
    code: str,
    destination: str,
    departs_at: dt.datetime,
    seats: int,
    operator: str = Operator.OWN,
    origin: str = "KBL",
    allowed_categories: Iterable[str] = (),
) -> Flight:
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    code = code.strip().upper()
    if not code:
        raise ValidationError({"code": _("Give the flight a code, for example RCH871.")})
    if Flight.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A flight %(code)s exists already; choose another code.")
                               % {"code": code}})
    if seats < 0:
        raise ValidationError({"seats": _("Seats cannot be negative.")})
    with transaction.atomic():
        flight = Flight.objects.create(
            code=code, operator=operator, origin=origin.strip().upper() or "KBL",
            destination=destination.strip().upper(), departs_at=departs_at, seats=seats,
            allowed_categories=_check_categories(allowed_categories),
        )
        audit.record(actor=actor, action="airlift.flight_created", object_type="flight",
                     object_id=flight.code,
                     details={"seats": seats, "restricted": bool(flight.allowed_categories)})
    return flight


def set_readiness(
    *,
    actor: Actor,
    case: Case,
    ready_at: dt.datetime | None = None,
    extra_seats: int = 0,
    documents_checked: Iterable[int] = (),
    medical_needed: bool = False,
    medical_cleared: bool = False,
    assembly_point: str = "",
    consent: bool = False,
) -> TravelReadiness:
    """Record the facts that make an approved household ready to fly; it is planned once all
    are there (each member's document checked, medical clearance if needed, an assembly point,
    consent), from ready_at (now if not given)."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    if case.status not in (Status.APPROVED, Status.MANIFESTED, Status.NO_SHOW):
        raise ValidationError(_("Readiness is recorded for an approved household; this case is "
                                "“%(s)s”.") % {"s": case.get_status_display()})
    if extra_seats < 0 or extra_seats > 9:
        raise ValidationError({"extra_seats": _("Extra seats: a whole number from 0 to 9.")})
    members = list(Person.objects.filter(household_id=case.household_id)
                   .values_list("pk", flat=True))
    checked = sorted(set(documents_checked))
    strangers = set(checked) - set(members)
    if strangers:
        raise ValidationError({"documents_checked": _("Only members of this household have "
                                                      "their documents checked here.")})
    with transaction.atomic():
        readiness, _created = TravelReadiness.objects.update_or_create(
            case=case, defaults={
                "ready_at": ready_at or timezone.now(), "extra_seats": extra_seats,
                "documents_checked": checked, "medical_needed": medical_needed,
                "medical_cleared": medical_cleared and medical_needed,
                "assembly_point": assembly_point.strip()[:200], "consent": consent,
            },
        )
        readiness.complete = not readiness.missing(members)
        readiness.save(update_fields=["complete"])
        audit.record(actor=actor, action="airlift.readiness_set", object_type="case",
                     object_id=case.reference,
                     details={"extra_seats": extra_seats, "complete": readiness.complete,
                              "missing": readiness.missing(members)})
    return readiness


def household_demands(cases: Sequence[Case], *, on: dt.date) -> list[HouseholdDemand]:
    """What the planner needs of each case: people, seats (infants on a lap, stretchers),
    priority, readiness and category. Birth dates are decrypted here, in Python."""
    members: dict[int, list[dt.date | None]] = defaultdict(list)
    household_ids = [c.household_id for c in cases]
    for start in range(0, len(household_ids), 2000):
        for household_id, birth in Person.objects.filter(
            household_id__in=household_ids[start : start + 2000]
        ).values_list("household_id", "birth_date"):
            members[household_id].append(cast("dt.date | None", birth))
    placed = admission.cases_with_placement([c.pk for c in cases])
    demands = []
    for case in cases:
        births = members[case.household_id]
        people = len(births)
        infants = sum(1 for b in births if under_two(b, on))
        demands.append(
            HouseholdDemand(
                id=case.pk,
                people=people,
                seats=max(1, people - infants) + case.readiness.extra_seats,
                priority=LOWEST_PRIORITY if case.priority is None else case.priority,
                ready_at=case.readiness.ready_at,
                category=admission.planning_category(case.category,
                                                     placed=case.pk in placed),
            )
        )
    return demands


def _offer(flight: Flight, needing_placement: set[int]) -> FlightOffer:
    return FlightOffer(id=flight.pk, seats=flight.seats, departs_at=flight.departs_at,
                       allowed_categories=admission.planning_categories(
                           flight.allowed_categories,
                           needs_placement=flight.pk in needing_placement))


def plan_manifests(
    *,
    actor: Actor,
    reason: str = PlanRun.Reason.PLAN,
    flight: Flight | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> PlanRun:
    """Plan every approved, ready household onto the open flights (planned or delayed).

    Households already on an open flight were told it: they keep it unless their flight was
    cancelled, moved beyond what admits them, or lost seats; the returned run lists exactly
    who changed. Boarding and departed flights are left as they are.
    """
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    with transaction.atomic():
        flights = list(Flight.objects.select_for_update().filter(status__in=OPEN_STATUSES))
        live = Seat.objects.exclude(gate=Seat.Gate.NO_SHOW).select_related("flight")
        settled = set(live.exclude(flight__status__in=[*OPEN_STATUSES, FlightStatus.CANCELLED])
                      .values_list("case_id", flat=True))
        current = {s.case_id: s for s in live.exclude(case_id__in=settled)}
        cases = list(
            Case.objects.filter(status__in=[Status.APPROVED, Status.MANIFESTED],
                                readiness__complete=True)
            .exclude(pk__in=settled)
            .select_related("readiness")
            .order_by("pk")
        )
        cases_by_id = {c.pk: c for c in cases}
        on = min((f.departs_at for f in flights), default=timezone.now()).date()
        demands = household_demands(cases, on=on)
        previous = {cid: s.flight_id for cid, s in current.items() if cid in cases_by_id}
        needing_placement = admission.flights_needing_placement(f.pk for f in flights)
        plan = plan_flights(demands, [_offer(f, needing_placement) for f in flights],
                            previous=previous,
                            time_limit=time_limit)
        run = PlanRun.objects.create(
            reason=reason, flight=flight, actor=permissions.user_of(actor),
            objective=plan.objective,
            bound=plan.bound, households_placed=plan.placed,
            people_placed=sum(d.people for d in demands if d.id in plan.assignments),
            seconds=plan.seconds, method=plan.method,
        )
        _apply(actor=actor, run=run, plan_assignments=plan.assignments, demands=demands,
               current=current, cases_by_id=cases_by_id, flights={f.pk: f for f in flights},
               delayed=flight if reason == PlanRun.Reason.DELAYED else None)
        codes = {f.pk: f.code for f in Flight.objects.filter(
            pk__in={*previous.values(), *plan.assignments.values()})}
        run.moves = [
            {"case": cases_by_id[m.household].reference, "from": codes[m.from_flight],
             "to": None if m.to_flight is None else codes[m.to_flight]}
            for m in plan.moves
        ]
        run.unplaced = _not_ready(settled) + [
            {"case": cases_by_id[cid].reference, "reason": reason, "missing": []}
            for cid, reason in why_not_placed(demands,
                                              [_offer(f, needing_placement) for f in flights],
                                              plan.assignments).items()
        ]
        run.save(update_fields=["moves", "unplaced"])
        audit.record(
            actor=actor, action="airlift.planned", object_type="plan", object_id=run.pk,
            details={"reason": reason, "placed": plan.placed, "moved": len(plan.moves),
                     "objective": plan.objective, "bound": plan.bound},
        )
    return run


def _not_ready(settled: set[int]) -> list[dict[str, Any]]:
    """Approved households the planner was not given: readiness missing or incomplete."""
    waiting = list(Case.objects.filter(status=Status.APPROVED).exclude(pk__in=settled)
                   .exclude(readiness__complete=True).select_related("readiness")
                   .order_by("pk"))
    members: dict[int, list[int]] = defaultdict(list)
    for pk, household in Person.objects.filter(
            household_id__in=[c.household_id for c in waiting]).values_list("pk", "household_id"):
        members[household].append(pk)
    rows = []
    for case in waiting:
        readiness = getattr(case, "readiness", None)
        missing = (["readiness"] if readiness is None
                   else readiness.missing(members[case.household_id]))
        rows.append({"case": case.reference, "reason": NOT_READY, "missing": missing})
    return rows


def _apply(
    *,
    actor: Actor,
    run: PlanRun,
    plan_assignments: dict[Any, Any],
    demands: list[HouseholdDemand],
    current: dict[int, Seat],
    cases_by_id: dict[int, Case],
    flights: dict[int, Flight],
    delayed: Flight | None = None,
) -> None:
    """Write the plan's seats and tell each household whose flight is new or changed, once.

    A household given its first seat hears flight_assigned (the approved -> manifested status
    notice is carried by it); one moved to another flight, or kept on a delayed one, hears
    flight_changed; one left without a seat hears the manifested -> approved status notice
    ("do not go to the airport until..."). Everyone else hears nothing.
    """
    demand = {d.id: d for d in demands}
    assigned: list[tuple[Case, Flight]] = []
    changed: list[tuple[Case, Flight]] = []
    left: list[Seat] = []
    seating: list[tuple[Case, int, bool]] = []  # (case, new flight, had a seat before)
    # Seats given up first, so that no flight holds more than its seats while seats are moved:
    # each case's move checks its flight's capacity (airlift.evidence).
    for case_id, case in cases_by_id.items():
        new = plan_assignments.get(case_id)
        seat = current.get(case_id)
        if seat is not None and seat.flight_id == new:
            if delayed is not None and new == delayed.pk:
                changed.append((case, delayed))
            continue
        if seat is not None:
            left.append(seat)
            seat.delete()
        if new is not None:
            seating.append((case, new, seat is not None))
        elif case.status == Status.MANIFESTED:
            earn_case_status(actor=actor, case=case, to_status=Status.APPROVED,
                             evidence=evidence.seat(case, None),
                             reason=_("No seat after a change of flights; waiting again."))
    # Told households whose seat vanished without a case left in the plan (e.g. withdrawn).
    for case_id, seat in current.items():
        if case_id not in cases_by_id:
            left.append(seat)
            seat.delete()
    for case, new, had_seat in seating:
        d = demand[case.pk]
        Seat.objects.create(case=case, flight_id=new, people=d.people, seats=d.seats,
                            notified=True, plan=run)
        (changed if had_seat else assigned).append((case, flights[new]))
        if case.status == Status.APPROVED:
            with messaging.status_notice_carried_elsewhere(Status.MANIFESTED):
                earn_case_status(actor=actor, case=case, to_status=Status.MANIFESTED,
                                 evidence=evidence.seat(case, flights[new]),
                                 reason=_("Placed on a flight by the planner."))
    revoke_passes_of_left_seats(actor=actor, seats=left)
    tell_flight(actor=actor, kind=Kind.FLIGHT_ASSIGNED, seated=assigned)
    tell_flight(actor=actor, kind=Kind.FLIGHT_CHANGED, seated=changed)


def revoke_passes_of_left_seats(*, actor: Actor, seats: Sequence[Seat]) -> None:
    """A household moved off a flight (or off every flight) keeps no boarding pass in force for
    it: the next verifier export shows the old pass as revoked."""
    permissions.check_actor(actor)
    if not seats:
        return
    def number(code: str) -> str:
        try:
            return credentials.normalise_flight_number(code)
        except ValidationError:  # no pass can have been issued for such a code
            return ""

    left = {(seat.case_id, number(seat.flight.code)) for seat in seats}
    held = Credential.objects.filter(kind=CredentialKind.BOARDING_PASS, revoked_at__isnull=True,
                                     case_id__in={case_id for case_id, _code in left})
    for credential in held:
        if (credential.case_id, credential.flight_number) in left:
            credentials.revoke_credential(actor=actor, token_id=credential.token_id,
                                          reason="seat withdrawn")


def departure_text(flight: Flight) -> str:
    """The departure as people read it in a message: local time of the airport, digits and
    slashes only (no month names to translate; a right-to-left line does not flip them)."""
    return f"{timezone.localtime(flight.departs_at):%d/%m/%Y %H:%M}"


def tell_flight(*, actor: Actor, kind: str, seated: Sequence[tuple[Case, Flight]]) -> None:
    """Queue a flight notice to each household, in the caller's transaction."""
    permissions.check_actor(actor)
    if not seated:
        return
    messaging.queue_messages(
        actor=actor, kind=kind, cases=[case for case, _flight in seated],
        contexts={case.pk: {"flight": flight.code, "departure": departure_text(flight)}
                  for case, flight in seated},
    )


def cancel_flight(
    *, actor: Actor, flight: Flight, time_limit: float = DEFAULT_TIME_LIMIT
) -> PlanRun:
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    if not flight.is_open:
        raise ValidationError(_("Only a planned or delayed flight can be cancelled here."))
    with transaction.atomic():
        flight.status = FlightStatus.CANCELLED
        flight.save(update_fields=["status"])
        audit.record(actor=actor, action="airlift.flight_cancelled", object_type="flight",
                     object_id=flight.code)
        return plan_manifests(actor=actor, reason=PlanRun.Reason.CANCELLED, flight=flight,
                              time_limit=time_limit)


def delay_flight(
    *, actor: Actor, flight: Flight, departs_at: dt.datetime,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> PlanRun:
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    if not flight.is_open:
        raise ValidationError(_("Only a planned or delayed flight can be delayed."))
    with transaction.atomic():
        flight.status = FlightStatus.DELAYED
        flight.departs_at = departs_at
        flight.save(update_fields=["status", "departs_at"])
        audit.record(actor=actor, action="airlift.flight_delayed", object_type="flight",
                     object_id=flight.code)
        return plan_manifests(actor=actor, reason=PlanRun.Reason.DELAYED, flight=flight,
                              time_limit=time_limit)


def change_seats(
    *, actor: Actor, flight: Flight, seats: int, time_limit: float = DEFAULT_TIME_LIMIT
) -> PlanRun:
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    if seats < 0:
        raise ValidationError({"seats": _("Seats cannot be negative.")})
    if not flight.is_open:
        raise ValidationError(_("Seats can change only on a planned or delayed flight."))
    with transaction.atomic():
        before = flight.seats
        flight.seats = seats
        flight.save(update_fields=["seats"])
        audit.record(actor=actor, action="airlift.seats_changed", object_type="flight",
                     object_id=flight.code, details={"from": before, "to": seats})
        return plan_manifests(actor=actor, reason=PlanRun.Reason.SEATS, flight=flight,
                              time_limit=time_limit)


def set_flight_status(*, actor: Actor, flight: Flight, status: str) -> Flight:
    """Open boarding, or mark a flight departed (its seats are then settled)."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    allowed: dict[str, tuple[str, ...]] = {
        FlightStatus.BOARDING: OPEN_STATUSES,
        FlightStatus.DEPARTED: (FlightStatus.BOARDING,),
    }
    if flight.status not in allowed.get(status, ()):
        raise ValidationError(_("A %(now)s flight cannot become %(next)s.")
                              % {"now": flight.get_status_display(),
                                 "next": FlightStatus(status).label})
    with transaction.atomic():
        if status == FlightStatus.DEPARTED:
            settle_member_marks(actor=actor, flight=flight)
        flight.status = status
        flight.save(update_fields=["status"])
        audit.record(actor=actor, action="airlift.flight_status", object_type="flight",
                     object_id=flight.code, details={"status": status})
    return flight


GATE_EVENTS: dict[str, str | None] = {
    Seat.Gate.CHECKED_IN: None,
    Seat.Gate.BOARDED: Status.BOARDED,
    Seat.Gate.NO_SHOW: Status.NO_SHOW,
}


def record_gate(*, actor: Actor, seat: Seat, event: str) -> Seat:
    """Check-in, boarding or no-show of a whole household at the gate."""
    permissions.require(actor, permissions.BOARD_PASSENGERS)
    if event not in GATE_EVENTS:
        raise ValidationError(_("Unknown gate event."))
    if seat.flight.status in (FlightStatus.CANCELLED, FlightStatus.DEPARTED, FlightStatus.LANDED):
        raise ValidationError(_("This flight is %(s)s: nothing more is recorded at its gate.")
                              % {"s": seat.flight.get_status_display()})
    if seat.gate in (Seat.Gate.BOARDED, Seat.Gate.NO_SHOW):
        raise ValidationError(_("This household is already recorded as %(g)s.")
                              % {"g": seat.get_gate_display()})
    with transaction.atomic():
        to_status = GATE_EVENTS[event]
        seat.gate, seat.gate_at = event, timezone.now()
        seat.gate_actor = permissions.user_of(actor)
        seat.save(update_fields=["gate", "gate_at", "gate_actor"])
        if to_status is not None:
            earn_case_status(actor=actor, case=seat.case, to_status=to_status,
                             evidence=evidence.gate(seat.case, seat.flight, event),
                             reason=_("Recorded at the gate of %(f)s.") % {"f": seat.flight})
        audit.record(actor=actor, action="airlift.gate", object_type="case",
                     object_id=seat.case.reference,
                     details={"flight": seat.flight.code, "event": event})
    return seat


GATE_CLOSED = (FlightStatus.CANCELLED, FlightStatus.DEPARTED, FlightStatus.LANDED)
KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@dataclass(frozen=True)
class MarkResult:
    mark: GateMark
    created: bool  # False: the same key was sent before, and is counted once


def mark_member(*, actor: Actor, seat: Seat, person_id: int, mark: str, key: str) -> MarkResult:
    """Mark one member of a seated household boarded or no-show (decision 0074).

    `key` is the device's idempotency key: a mark sent again with the same key returns the
    first one and changes nothing. The household's case moves when the flight departs
    (settle_member_marks), so a mark can be undone until then.
    """
    permissions.require(actor, permissions.BOARD_PASSENGERS)
    if not key or len(key) > 64 or not set(key) <= KEY_CHARS:
        raise ValidationError({"key": _("The mark has no valid key (letters, digits, - or _, "
                                        "up to 64); reload the gate page and mark again.")})
    earlier = GateMark.objects.filter(key=key).first()
    if earlier is not None:
        if earlier.seat_id != seat.pk or earlier.person_id != person_id or earlier.mark != mark:
            raise ValidationError({"key": _("This key was used for another mark; reload the "
                                            "gate page and mark again.")})
        return MarkResult(earlier, created=False)
    if mark not in GateMark.Mark.values:
        raise ValidationError({"mark": _("Mark a member boarded or no-show.")})
    if seat.flight.status in GATE_CLOSED:
        raise ValidationError(_("This flight is %(s)s: nothing more is recorded at its gate.")
                              % {"s": seat.flight.get_status_display()})
    if seat.gate in (Seat.Gate.BOARDED, Seat.Gate.NO_SHOW):
        raise ValidationError(_("This household is already recorded as %(g)s.")
                              % {"g": seat.get_gate_display()})
    if not Person.objects.filter(pk=person_id, household_id=seat.case.household_id).exists():
        raise ValidationError({"person": _("This person is not in the household holding the "
                                           "seat; reload the gate page.")})
    with transaction.atomic():
        Seat.objects.select_for_update().filter(pk=seat.pk).first()
        live = GateMark.objects.filter(seat=seat, person_id=person_id, undone_at=None).first()
        if live is not None:
            raise ValidationError({"person": _("This member is already marked %(m)s; undo that "
                                               "mark first.") % {"m": live.get_mark_display()}})
        created = GateMark.objects.create(seat=seat, person_id=person_id, mark=mark, key=key,
                                          marked_by=permissions.user_of(actor))
        audit.record(actor=actor, action="airlift.gate_member_marked", object_type="case",
                     object_id=seat.case.reference,
                     details={"flight": seat.flight.code, "person": person_id, "mark": mark,
                              "key": key})
    return MarkResult(created, created=True)


def undo_mark(*, actor: Actor, seat: Seat, key: str) -> GateMark:
    """Take back the mark made with `key`; allowed until the flight departs, audited. Sent
    twice (from the device's queue), the second undo changes nothing."""
    permissions.require(actor, permissions.BOARD_PASSENGERS)
    if seat.flight.status in GATE_CLOSED:
        raise ValidationError(_("Flight %(f)s is %(s)s: its gate marks can no longer be undone.")
                              % {"f": seat.flight, "s": seat.flight.get_status_display()})
    with transaction.atomic():
        mark = GateMark.objects.select_for_update().filter(seat=seat, key=key).first()
        if mark is None:
            raise ValidationError(_("This mark was never recorded; reload the gate page."))
        if mark.undone_at is not None:
            return mark
        if seat.gate in (Seat.Gate.BOARDED, Seat.Gate.NO_SHOW):
            raise ValidationError(_("This household is already recorded as %(g)s.")
                                  % {"g": seat.get_gate_display()})
        mark.undone_at, mark.undone_by = timezone.now(), permissions.user_of(actor)
        mark.save(update_fields=["undone_at", "undone_by"])
        audit.record(actor=actor, action="airlift.gate_member_undone", object_type="case",
                     object_id=seat.case.reference,
                     details={"flight": seat.flight.code, "person": mark.person_id,
                              "mark": mark.mark, "key": key})
    return mark


def settle_member_marks(*, actor: Actor, flight: Flight) -> int:
    """At departure, each household with member marks is recorded at the gate: boarded if any
    member boarded, else no-show; the case moves through record_gate (the earned rules), which
    checks the actor's capability for each household."""
    permissions.check_actor(actor)
    settled = 0
    seats = (Seat.objects.filter(flight=flight, gate__in=[Seat.Gate.EXPECTED,
                                                          Seat.Gate.CHECKED_IN])
             .select_related("case", "flight").order_by("pk"))
    for seat in seats:
        marks = set(seat.marks.filter(undone_at=None).values_list("mark", flat=True))
        if not marks:
            continue
        event = Seat.Gate.BOARDED if GateMark.Mark.BOARDED in marks else Seat.Gate.NO_SHOW
        record_gate(actor=actor, seat=seat, event=event)
        settled += 1
    return settled


def free_seats(flight: Flight) -> int:
    used = (Seat.objects.filter(flight=flight).exclude(gate=Seat.Gate.NO_SHOW)
            .aggregate(n=Sum("seats"))["n"]) or 0
    return max(0, flight.seats - used)


def standby_cases(flight: Flight) -> list[Case]:
    """Approved households ready by departure, admitted on this flight and without a seat,
    highest priority first (a missing priority last), then larger households, then earliest
    registered."""
    cases = Case.objects.filter(status=Status.APPROVED, readiness__complete=True,
                                readiness__ready_at__lte=flight.departs_at,
                                ).exclude(seats__gate__in=[Seat.Gate.EXPECTED,
                                                           Seat.Gate.CHECKED_IN,
                                                           Seat.Gate.BOARDED])
    if flight.allowed_categories:
        cases = cases.filter(category__in=flight.allowed_categories)
    return list(
        cases.select_related("readiness", "household__head")
        .order_by(F("priority").desc(nulls_last=True), "created_at", "pk")
    )


def fill_from_standby(*, actor: Actor, flight: Flight) -> list[Seat]:
    """Give seats freed by no-shows to the stand-by list, in priority order, whole households
    only: one that does not fit is passed over for the next that does."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    if flight.status in (FlightStatus.CANCELLED, FlightStatus.DEPARTED, FlightStatus.LANDED):
        raise ValidationError(_("This flight is %(s)s.") % {"s": flight.get_status_display()})
    filled = []
    with transaction.atomic():
        Flight.objects.select_for_update().get(pk=flight.pk)
        free = free_seats(flight)
        candidates = standby_cases(flight)
        if admission.flights_needing_placement([flight.pk]):
            placed = admission.cases_with_placement([c.pk for c in candidates])
            candidates = [c for c in candidates if c.pk in placed]
        demands = household_demands(candidates, on=flight.departs_at.date())
        for case, demand in zip(candidates, demands, strict=True):
            if free <= 0:
                break
            if demand.seats > free:
                continue
            seat = Seat.objects.create(case=case, flight=flight, people=demand.people,
                                       seats=demand.seats, from_standby=True)
            with messaging.status_notice_carried_elsewhere(Status.MANIFESTED):
                earn_case_status(actor=actor, case=case, to_status=Status.MANIFESTED,
                                 evidence=evidence.seat(case, flight),
                                 reason=_("Stand-by seat on %(f)s.") % {"f": flight})
            free -= demand.seats
            filled.append(seat)
        tell_flight(actor=actor, kind=Kind.FLIGHT_ASSIGNED,
                    seated=[(seat.case, flight) for seat in filled])
        audit.record(actor=actor, action="airlift.standby_filled", object_type="flight",
                     object_id=flight.code, details={"households": len(filled)})
    return filled


@dataclass(frozen=True)
class PassesIssued:
    issued: int
    already_held: int


def issue_boarding_passes(*, actor: Actor, flight: Flight) -> PassesIssued:
    """A boarding pass for each household holding a seat on the flight (not a no-show) that has
    none in force for this flight and day; each household issued one hears "boarding pass
    ready". Clicking twice issues nothing twice. All or nothing: one household's pass that
    cannot be issued stops the batch with its reason."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    permissions.require(actor, permissions.ISSUE_CREDENTIALS)
    if flight.status in (FlightStatus.CANCELLED, FlightStatus.DEPARTED, FlightStatus.LANDED):
        raise ValidationError(_("This flight is %(s)s: no boarding passes for it.")
                              % {"s": flight.get_status_display()})
    number = credentials.normalise_flight_number(flight.code)
    day = timezone.localdate(flight.departs_at)
    with transaction.atomic():
        seats = list(Seat.objects.filter(flight=flight).exclude(gate=Seat.Gate.NO_SHOW)
                     .select_related("case").order_by("pk"))
        held = set(Credential.objects.filter(
            kind=CredentialKind.BOARDING_PASS, flight_number=number, departure_date=day,
            revoked_at__isnull=True, expires_at__gt=timezone.now(),
            case_id__in=[s.case_id for s in seats],
        ).values_list("case_id", flat=True))
        issued = 0
        for seat in seats:
            if seat.case_id in held:
                continue
            credentials.issue_boarding_pass(actor=actor, reference=seat.case.reference,
                                            flight_number=number, departure_date=day)
            issued += 1
        audit.record(actor=actor, action="airlift.boarding_passes_issued",
                     object_type="flight", object_id=flight.code,
                     details={"issued": issued, "already_held": len(held)})
    return PassesIssued(issued=issued, already_held=len(held))


def assign_seat(*, actor: Actor, case: Case, flight: Flight) -> Seat:
    """An airlift officer seats one approved household on a scheduled flight by hand.

    The same rules as the plan: the household is ready by departure, the flight admits its
    category and has room for all of it (never split); the household hears its flight.
    """
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    if case.status not in (Status.APPROVED, Status.NO_SHOW):
        raise ValidationError(_("Only an approved household (or a no-show to rebook) is given a "
                                "seat; this case is “%(s)s”.") % {"s": case.get_status_display()})
    with transaction.atomic():
        flight = Flight.objects.select_for_update().get(pk=flight.pk)
        if flight.status not in evidence.SCHEDULED:
            raise ValidationError({"flight": _("Flight %(f)s is %(s)s: it takes no passengers.")
                                   % {"f": flight, "s": flight.get_status_display()}})
        if Seat.objects.filter(case=case).exclude(gate=Seat.Gate.NO_SHOW).exists():
            raise ValidationError(_("This household holds a seat already; the plan moves it."))
        if flight.allowed_categories and case.category not in flight.allowed_categories:
            raise ValidationError({"flight": _("Flight %(f)s does not admit this household's "
                                               "category (%(c)s).")
                                   % {"f": flight, "c": case.get_category_display()}})
        readiness = TravelReadiness.objects.filter(case=case).first()
        if readiness is None or not readiness.complete:
            members = list(Person.objects.filter(household_id=case.household_id)
                           .values_list("pk", flat=True))
            missing = ["readiness"] if readiness is None else readiness.missing(members)
            raise ValidationError(_("The household is not ready to fly: %(missing)s still "
                                    "missing. Record its readiness first.")
                                  % {"missing": ", ".join(str(READINESS_FACTS[m])
                                                          for m in missing)})
        if readiness.ready_at > flight.departs_at:
            raise ValidationError(_("The household is not ready to fly by the departure of "
                                    "%(f)s; record its readiness first.") % {"f": flight})
        case.readiness = readiness
        demand = household_demands([case], on=flight.departs_at.date())[0]
        free = free_seats(flight)
        if demand.seats > free:
            raise ValidationError({"flight": _("Flight %(f)s has %(free)s seats left; this "
                                               "household needs %(need)s.")
                                   % {"f": flight, "free": free, "need": demand.seats}})
        seat = Seat.objects.create(case=case, flight=flight, people=demand.people,
                                   seats=demand.seats, notified=True)
        with messaging.status_notice_carried_elsewhere(Status.MANIFESTED):
            earn_case_status(actor=actor, case=case, to_status=Status.MANIFESTED,
                             evidence=evidence.seat(case, flight),
                             reason=_("Seat given on %(f)s by an airlift officer.")
                             % {"f": flight})
        tell_flight(actor=actor, kind=Kind.FLIGHT_ASSIGNED, seated=[(case, flight)])
        audit.record(actor=actor, action="airlift.seat_assigned", object_type="case",
                     object_id=case.reference, details={"flight": flight.code})
    return seat


def recheck_seat(*, actor: Actor, case: Case) -> Seat | None:
    """After a correction changed who is in a seated household (a member added, moved or
    removed, a birth date that makes an infant): on a flight that has not left, the seat
    follows the household's new size when the flight has room for it (a boarding pass naming
    the old members revoked, to be issued again); otherwise it is
    released, the case waits again with the reason in its history (its boarding pass revoked
    by credentials on that move) and the plan page lists it as needing a seat. The seat kept,
    or None when there was none to re-check or it was released."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    with transaction.atomic():
        seat = (Seat.objects.filter(case_id=case.pk, gate__in=[Seat.Gate.EXPECTED,
                                                               Seat.Gate.CHECKED_IN],
                                    flight__status__in=evidence.SCHEDULED)
                .select_related("flight").first())
        if seat is None:
            return None
        flight = Flight.objects.select_for_update().get(pk=seat.flight_id)
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != Status.MANIFESTED:
            return None
        readiness = TravelReadiness.objects.filter(case=case).first()
        case.readiness = readiness or TravelReadiness(case=case, ready_at=timezone.now())
        demand = household_demands([case], on=flight.departs_at.date())[0]
        if (demand.people, demand.seats) == (seat.people, seat.seats):
            return seat
        room = free_seats(flight) + seat.seats
        before = {"people": seat.people, "seats": seat.seats}
        if demand.seats <= room:
            seat.people, seat.seats = demand.people, demand.seats
            seat.save(update_fields=["people", "seats"])
            # A pass names the people it covers: the old one would now name the wrong ones.
            # The officer issues the household a new pass as for any other on the flight.
            for token_id in Credential.objects.filter(
                    case=case, kind=CredentialKind.BOARDING_PASS,
                    revoked_at__isnull=True).values_list("token_id", flat=True):
                credentials.revoke_credential(actor=actor, token_id=token_id,
                                              reason="household changed")
            audit.record(actor=actor, action="airlift.seat_resized", object_type="case",
                         object_id=case.reference,
                         details={"flight": flight.code, "from": before,
                                  "to": {"people": demand.people, "seats": demand.seats}})
            return seat
        seat.delete()
        earn_case_status(actor=actor, case=case, to_status=Status.APPROVED,
                         evidence=evidence.seat(case, None),
                         reason=_("The household now needs %(need)s seats and flight %(f)s has "
                                  "%(room)s for it: the seat is released; the household waits "
                                  "for another flight.")
                         % {"need": demand.seats, "f": flight, "room": room})
        audit.record(actor=actor, action="airlift.seat_released", object_type="case",
                     object_id=case.reference,
                     details={"flight": flight.code, "from": before, "needs": demand.seats,
                              "room": room})
    return None


@dataclass(frozen=True)
class Landing:
    flight: Flight
    arrived: int  # households moved to arrived


def record_landing(
    *, actor: Actor, flight: Flight, landed_at: dt.datetime | None = None
) -> Landing:
    """A departed flight landed at its destination: every household boarded on it arrives."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    with transaction.atomic():
        flight = Flight.objects.select_for_update().get(pk=flight.pk)
        if flight.status != FlightStatus.DEPARTED:
            raise ValidationError(_("Only a departed flight lands; %(f)s is %(s)s.")
                                  % {"f": flight, "s": flight.get_status_display()})
        flight.status = FlightStatus.LANDED
        flight.landed_at = landed_at or timezone.now()
        flight.save(update_fields=["status", "landed_at"])
        arrived = 0
        for seat in (Seat.objects.filter(flight=flight, gate=Seat.Gate.BOARDED,
                                         case__status=Status.BOARDED)
                     .select_related("case").order_by("pk")):
            earn_case_status(actor=actor, case=seat.case, to_status=Status.ARRIVED,
                             evidence=evidence.landing(seat.case, flight))
            arrived += 1
        audit.record(actor=actor, action="airlift.flight_landed", object_type="flight",
                     object_id=flight.code, details={"households_arrived": arrived})
    return Landing(flight=flight, arrived=arrived)


@dataclass(frozen=True)
class ReadinessRow:
    """One row of a readiness upload or one case of a bulk change, as the report shows it."""

    line: int
    reference: str
    ok: bool
    message: str


_YES = {"yes", "y", "true", "1", "x", "oui", "بلی", "هو"}
_NO = {"", "no", "n", "false", "0", "non", "نخیر", "نه"}
READINESS_COLUMNS = ("reference", "documents_checked", "medical_needed", "medical_cleared",
                     "assembly_point", "consent", "ready_from")


def _yes(value: str, column: str) -> bool:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValidationError({column: _("“%(v)s” in %(c)s: write yes or no.")
                           % {"v": value, "c": column}})


def record_readiness_rows(*, actor: Actor, data: bytes) -> list[ReadinessRow]:
    """Readiness for many households from a CSV (READINESS_COLUMNS; documents_checked "yes"
    means every member's document). Each row stands alone: a bad row is reported with its line,
    column and what to do; the good rows are recorded."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("The file is not UTF-8 text: save it as CSV UTF-8 "
                                         "and upload it again.")}) from None
    reader = csv.DictReader(io.StringIO(text))
    absent = [c for c in ("reference",) if c not in (reader.fieldnames or [])]
    if absent:
        raise ValidationError({"file": _("The first line must name the columns: %(cols)s.")
                               % {"cols": ", ".join(READINESS_COLUMNS)}})
    rows = []
    for number, raw in enumerate(reader, start=2):
        reference = (raw.get("reference") or "").strip().upper()
        try:
            case = registry_selectors.get_case(actor=actor, reference=reference)
        except Case.DoesNotExist:
            rows.append(ReadinessRow(number, reference, False,
                                     _("reference: no such case; check it.")))
            continue
        try:
            ready_from = (raw.get("ready_from") or "").strip()
            when = None
            if ready_from:
                try:
                    when = dt.datetime.combine(dt.date.fromisoformat(ready_from), dt.time(),
                                               tzinfo=timezone.get_current_timezone())
                except ValueError:
                    raise ValidationError({"ready_from": _("“%(v)s”: write the date as "
                                                           "YYYY-MM-DD.") % {"v": ready_from}}
                                          ) from None
            all_documents = _yes(raw.get("documents_checked") or "", "documents_checked")
            members = (list(Person.objects.filter(household_id=case.household_id)
                            .values_list("pk", flat=True)) if all_documents else [])
            with transaction.atomic():
                done = set_readiness(
                    actor=actor, case=case, ready_at=when, documents_checked=members,
                    medical_needed=_yes(raw.get("medical_needed") or "", "medical_needed"),
                    medical_cleared=_yes(raw.get("medical_cleared") or "", "medical_cleared"),
                    assembly_point=raw.get("assembly_point") or "",
                    consent=_yes(raw.get("consent") or "", "consent"))
        except ValidationError as error:
            problems = ("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
                        if hasattr(error, "error_dict") else " ".join(error.messages))
            rows.append(ReadinessRow(number, reference, False, problems))
            continue
        if done.complete:
            rows.append(ReadinessRow(number, reference, True, _("ready to fly")))
        else:
            members = list(Person.objects.filter(household_id=case.household_id)
                           .values_list("pk", flat=True))
            rows.append(ReadinessRow(number, reference, True, _("recorded; still missing: %(m)s")
                                     % {"m": ", ".join(str(READINESS_FACTS[m])
                                                       for m in done.missing(members))}))
    audit.record(actor=actor, action="airlift.readiness_uploaded",
                 details={"rows": len(rows), "refused": sum(1 for r in rows if not r.ok)})
    return rows


def add_readiness_facts(
    *, actor: Actor, references: Sequence[str], all_documents: bool = False,
    consent: bool = False, assembly_point: str = "",
) -> list[ReadinessRow]:
    """The same facts for many households chosen from the filtered list, added to what each
    has recorded already (nothing recorded is taken away)."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    rows = []
    for number, reference in enumerate(references, start=1):
        try:
            case = registry_selectors.get_case(actor=actor, reference=reference)
        except Case.DoesNotExist:
            rows.append(ReadinessRow(number, reference, False, _("no such case")))
            continue
        now = TravelReadiness.objects.filter(case=case).first()
        members = list(Person.objects.filter(household_id=case.household_id)
                       .values_list("pk", flat=True))
        try:
            with transaction.atomic():
                done = set_readiness(
                    actor=actor, case=case, ready_at=now.ready_at if now else None,
                    extra_seats=now.extra_seats if now else 0,
                    documents_checked=members if all_documents else
                    (now.documents_checked if now else []),
                    medical_needed=bool(now and now.medical_needed),
                    medical_cleared=bool(now and now.medical_cleared),
                    assembly_point=assembly_point.strip() or (now.assembly_point if now else ""),
                    consent=consent or bool(now and now.consent))
        except ValidationError as error:
            rows.append(ReadinessRow(number, reference, False, " ".join(error.messages)))
            continue
        rows.append(ReadinessRow(number, reference, True, _("ready to fly") if done.complete
                                 else _("recorded; still missing: %(m)s")
                                 % {"m": ", ".join(str(READINESS_FACTS[m])
                                                   for m in done.missing(members))}))
    return rows
