"""Reads of resettlement: a flight's reconciliation, stays and nights, what a host is offered,
milestones due, remaining capacity, and the figures of the dashboard and situation report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.models import User
from safepassage.accounts.permissions import Actor
from safepassage.airlift.models import Flight
from safepassage.audit import services as audit
from safepassage.registry.models import Case, Person, Status
from safepassage.resettlement.models import (
    LIVE_OFFER_STATES,
    ArrivalRecord,
    Batch,
    CaseFile,
    FlightArrival,
    Milestone,
    Offer,
    OutcomeModel,
    Place,
    Programme,
    Site,
    Stay,
)

CHILD_UNDER = 18
SENIOR_FROM = 65


def age_groups(births: Iterable[dt.date | None], on: dt.date) -> dict[str, int]:
    """Children under 18, seniors from 65; an unknown birth date counts as an adult."""
    groups = {"children": 0, "adults": 0, "seniors": 0}
    for birth in births:
        if birth is None:
            groups["adults"] += 1
            continue
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        groups["children" if age < CHILD_UNDER else "seniors" if age >= SENIOR_FROM
               else "adults"] += 1
    return groups


def unit_size(people: int) -> str:
    """The housing unit a household needs: small (1-2 people), medium (3-5), large (6+)."""
    return "small" if people <= 2 else "medium" if people <= 5 else "large"


def remaining_capacity(place: Place) -> dict[str, int]:
    """What the place can still take, after every family offered to it, held or accepted."""
    left = {"children": place.children, "adults": place.adults, "seniors": place.seniors,
            "units_small": place.units_small, "units_medium": place.units_medium,
            "units_large": place.units_large}
    for children, adults, seniors in Offer.objects.filter(
            place=place, state__in=LIVE_OFFER_STATES).values_list(
            "children", "adults", "seniors"):
        left["children"] -= children
        left["adults"] -= adults
        left["seniors"] -= seniors
        left["units_" + unit_size(children + adults + seniors)] -= 1
    return left


# --- Capacity before travel (provided to airlift.admission) --------------------------------


def flights_needing_placement(flight_ids: Iterable[int]) -> set[int]:
    return set(FlightArrival.objects.filter(flight__in=list(flight_ids),
                                            capacity_before_travel=True)
               .values_list("flight_id", flat=True))


def cases_with_placement(case_ids: Iterable[int]) -> set[int]:
    return set(Offer.objects.filter(case__in=list(case_ids),
                                    state__in=[Offer.State.ACCEPTED, Offer.State.HELD])
               .values_list("case_id", flat=True))


def capacity_before_travel(flight: Flight) -> bool:
    return FlightArrival.objects.filter(flight=flight, capacity_before_travel=True).exists()


def why_milestones_not_done(case: Case, to_status: str) -> str:
    """'' when every required milestone of the case's programme is done, else why not."""
    case_file = CaseFile.objects.filter(case=case).first()
    if case_file is None or not case_file.milestones.exists():
        return _("This household has no resettlement milestones yet.")
    left = case_file.milestones.filter(step__required=True, done_at__isnull=True).count()
    if left:
        return _("%(n)s required milestones are still open.") % {"n": left}
    return ""


# --- Arrival reconciliation ------------------------------------------------------------------


def placeholder_flags(person: Person) -> list[str]:
    """Data that looks filled in for want of the real value, to correct: a birth on 1 January
    (the usual stand-in for an unknown day), no document number, no name in Latin letters."""
    flags = []
    birth = person.birth_date
    if birth is not None and (birth.month, birth.day) == (1, 1) and \
            person.birth_date_precision in ("", "day"):
        flags.append("birth_1_january")
    if not (person.tazkira_number or "").strip() and not (person.passport_number or "").strip():
        flags.append("no_document_number")
    name = f"{person.given_name or ''}{person.family_name or ''}"
    if not any("a" <= ch.lower() <= "z" for ch in name):
        flags.append("no_latin_name")
    return flags


@dataclass
class ArrivalRow:
    record: ArrivalRecord
    name: str
    flags: list[str]
    discrepancy: str


@dataclass
class Reconciliation:
    flight: Flight
    arrival: FlightArrival | None
    rows: list[ArrivalRow] = field(default_factory=list)

    @property
    def manifested(self) -> int:
        return sum(1 for r in self.rows if r.record.manifested)

    @property
    def boarded(self) -> int:
        return sum(1 for r in self.rows if r.record.boarded)

    @property
    def arrived(self) -> int:
        return sum(1 for r in self.rows if r.record.outcome == ArrivalRecord.Outcome.ARRIVED)

    @property
    def to_decide(self) -> list[ArrivalRow]:
        return [r for r in self.rows if r.discrepancy and not r.record.decision]

    @property
    def flagged(self) -> list[ArrivalRow]:
        return [r for r in self.rows if r.flags]


def reconciliation(*, actor: Actor, flight: Flight) -> Reconciliation:
    """Everyone expected off one flight, by name, with discrepancies and placeholder data; the
    names read are audited."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    arrival = FlightArrival.objects.filter(flight=flight).first()
    records = list(ArrivalRecord.objects.filter(flight=flight)
                   .select_related("person", "case", "flight"))
    # A manifested household that boarded and whose members have all been recorded is settled.
    rows = []
    for r in records:
        discrepancy = r.discrepancy
        if not discrepancy and r.manifested and not r.boarded:
            discrepancy = "not_boarded"
        rows.append(ArrivalRow(record=r, name=r.person.full_name,
                               flags=placeholder_flags(r.person), discrepancy=discrepancy))
    if records:
        audit.record(actor=actor, action="resettlement.reconciliation_read",
                     object_type="flight", object_id=flight.code,
                     details={"people": len(records)})
    return Reconciliation(flight=flight, arrival=arrival, rows=rows)


def landed_or_departed_flights() -> QuerySet[Flight]:
    return Flight.objects.filter(Q(status="landed") | Q(arrival__landed_at__isnull=False)) \
        .select_related("arrival").order_by("-departs_at")


# --- Stays -----------------------------------------------------------------------------------


@dataclass
class Waiting:
    case: Case
    site: Site
    checked_in_on: dt.date
    nights: int


@dataclass
class Accommodation:
    households: int
    people: int
    nights_total: int
    longest: list[Waiting]
    sites: list[tuple[Site, int, int]]  # site, beds used, rooms used


def accommodation(*, today: dt.date | None = None, longest: int = 5) -> Accommodation:
    """Households in temporary accommodation now, the nights spent by all (past stays too),
    and the households waiting longest (nights since their first check-in)."""
    today = today or timezone.localdate()
    stays = list(Stay.objects.select_related("case", "site"))
    open_stays = [s for s in stays if s.checked_out_on is None]
    first_in: dict[int, dt.date] = {}
    for s in stays:
        first_in[s.case_id] = min(first_in.get(s.case_id, s.checked_in_on), s.checked_in_on)
    waiting = sorted(
        (Waiting(case=s.case, site=s.site, checked_in_on=first_in[s.case_id],
                 nights=(today - first_in[s.case_id]).days) for s in open_stays),
        key=lambda w: (-w.nights, w.case.reference))
    sites = []
    for site in Site.objects.order_by("name"):
        here = [s for s in open_stays if s.site_id == site.pk]
        sites.append((site, sum(s.beds for s in here), sum(s.rooms for s in here)))
    return Accommodation(
        households=len(open_stays), people=sum(s.beds for s in open_stays),
        nights_total=sum(s.nights(today) for s in stays), longest=waiting[:longest],
        sites=sites)


def nights_of(case: Case, *, today: dt.date | None = None) -> int:
    return sum(s.nights(today) for s in Stay.objects.filter(case=case))


# --- Hosts -----------------------------------------------------------------------------------


def offers_for_host(*, actor: Actor) -> QuerySet[Offer]:
    """The families offered to, held or accepted by the host's own places: nothing else."""
    permissions.require(actor, permissions.ANSWER_OFFERS)
    if not isinstance(actor, User):
        raise PermissionDenied("A host is a person.")
    return (Offer.objects.filter(place__hosts=actor)
            .exclude(state=Offer.State.WITHDRAWN)
            .select_related("case", "place").order_by("state", "-created_at"))


def offer_for_host(*, actor: Actor, offer_id: int) -> Offer:
    offer = offers_for_host(actor=actor).filter(pk=offer_id).first()
    if offer is None:
        raise PermissionDenied("This offer is not one of yours.")
    return offer


def places_of(*, actor: Actor) -> QuerySet[Place]:
    permissions.require(actor, permissions.ANSWER_OFFERS)
    return Place.objects.filter(hosts=actor) if isinstance(actor, User) else Place.objects.none()


# --- Milestones ------------------------------------------------------------------------------


@dataclass
class DueList:
    due: list[Milestone]
    overdue: list[Milestone]


def _due(milestones: QuerySet[Milestone], today: dt.date, within: int) -> DueList:
    open_ = list(milestones.filter(done_at__isnull=True,
                                   due_on__lte=today + dt.timedelta(days=within))
                 .select_related("step", "case_file__case"))
    return DueList(due=[m for m in open_ if m.due_on >= today],
                   overdue=[m for m in open_ if m.due_on < today])


def due_for_caseworker(*, actor: Actor, caseworker: User | None = None,
                       today: dt.date | None = None, within: int = 14) -> DueList:
    """The caseworker's milestones due within `within` days, and those overdue."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    today = today or timezone.localdate()
    who = caseworker or permissions.user_of(actor)
    return _due(Milestone.objects.filter(case_file__caseworker=who,
                                         step__done_by="caseworker"), today, within)


def due_for_host(*, actor: Actor, today: dt.date | None = None, within: int = 14) -> DueList:
    """The host's milestones, for the households its places accepted or hold."""
    permissions.require(actor, permissions.ANSWER_OFFERS)
    today = today or timezone.localdate()
    cases = Offer.objects.filter(
        place__hosts=permissions.user_of(actor),
        state__in=[Offer.State.ACCEPTED, Offer.State.HELD]).values("case_id")
    return _due(Milestone.objects.filter(case_file__case__in=cases, step__done_by="host"),
                today, within)


def case_by_reference(*, actor: Actor, reference: str) -> Case:
    permissions.require(actor, permissions.RESETTLE_CASES)
    return Case.objects.select_related("household").get(reference=reference)


def flight_by_id(*, actor: Actor, flight_id: int) -> Flight:
    permissions.require(actor, permissions.RESETTLE_CASES)
    return Flight.objects.get(pk=flight_id)


def open_flights(*, actor: Actor) -> list[tuple[Flight, bool]]:
    """Flights still to board, each with its capacity-before-travel setting."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    needing = flights_needing_placement(Flight.objects.values_list("pk", flat=True))
    return [(f, f.pk in needing) for f in Flight.objects.filter(status__in=["planned",
                                                                           "delayed"])]


def case_file_of(*, actor: Actor, case: Case) -> CaseFile | None:
    permissions.require(actor, permissions.RESETTLE_CASES)
    return (CaseFile.objects.filter(case=case).select_related("programme", "caseworker")
            .prefetch_related("milestones__step", "ties").first())


def case_file_for_host(*, actor: Actor, offer: Offer) -> CaseFile | None:
    """A host sees the milestones of a household its place accepted or holds."""
    permissions.require(actor, permissions.ANSWER_OFFERS)
    offer = offer_for_host(actor=actor, offer_id=offer.pk)
    if offer.state not in (Offer.State.ACCEPTED, Offer.State.HELD):
        return None
    return (CaseFile.objects.filter(case=offer.case_id)
            .prefetch_related("milestones__step").first())


# --- The figures -----------------------------------------------------------------------------


@dataclass
class Figures:
    arrived: int
    in_accommodation: int
    nights_total: int
    offered: int
    placed: int
    resettled: int
    mean_days_to_resettled: float | None
    longest: list[Waiting]


def figures(*, today: dt.date | None = None) -> Figures:
    """The phase after the flight in numbers, for the dashboard and the situation report."""
    stays = accommodation(today=today)
    resettled = list(CaseFile.objects.filter(resettled_on__isnull=False,
                                             arrived_on__isnull=False)
                     .values_list("arrived_on", "resettled_on"))
    days = [(r - a).days for a, r in resettled if a is not None and r is not None]
    return Figures(
        arrived=CaseFile.objects.filter(arrived_on__isnull=False).count(),
        in_accommodation=stays.households, nights_total=stays.nights_total,
        offered=Offer.objects.filter(state=Offer.State.OFFERED).count(),
        placed=Offer.objects.filter(state__in=[Offer.State.ACCEPTED, Offer.State.HELD]).count(),
        resettled=Case.objects.filter(status=Status.RESETTLED).count(),
        mean_days_to_resettled=sum(days) / len(days) if days else None,
        longest=stays.longest)


# --- The person's status page ----------------------------------------------------------------


@dataclass
class Outlook:
    site: str
    place: str
    next_step: str
    next_due: dt.date | None


def outlook_for_person(case: Case) -> Outlook | None:
    """What the status page shows a household after arrival: where it stays, where it is
    going, and what comes next. The caller has checked the reference and secret."""
    case_file = CaseFile.objects.filter(case=case).select_related("programme").first()
    stay = Stay.objects.filter(case=case, checked_out_on__isnull=True).select_related(
        "site").first()
    offer = Offer.objects.filter(case=case, state__in=[Offer.State.ACCEPTED, Offer.State.HELD]
                                 ).select_related("place").first()
    if case_file is None and stay is None and offer is None:
        return None
    following = None
    if case_file is not None:
        following = (case_file.milestones.filter(done_at__isnull=True)
                     .select_related("step").first())
    return Outlook(site=stay.site.name if stay else "", place=offer.place.name if offer else "",
                   next_step=following.step.name if following else "",
                   next_due=following.due_on if following else None)



# --- What the pages show ---------------------------------------------------------------------


def overview_lists(*, actor: Actor) -> dict[str, Any]:
    """Offers, the last batches and the places with what they can still take."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    return {
        "offers": list(Offer.objects.exclude(state=Offer.State.WITHDRAWN)
                       .select_related("case", "place")[:100]),
        "batches": list(Batch.objects.all()[:5]),
        "places": [(p, remaining_capacity(p)) for p in Place.objects.all()],
    }


def case_page(*, actor: Actor, case: Case) -> dict[str, Any]:
    """A household's stays, nights and offers, and the sites and places to choose from."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    stays = list(Stay.objects.filter(case=case).select_related("site"))
    return {
        "file": case_file_of(actor=actor, case=case),
        "stays": stays,
        "open_stay": next((s for s in stays if s.checked_out_on is None), None),
        "nights": sum(s.nights() for s in stays),
        "sites": list(Site.objects.order_by("name")), "places": list(Place.objects.all()),
        "offers": list(Offer.objects.filter(case=case).select_related("place")),
    }


def arrival_record(*, actor: Actor, record_id: int) -> ArrivalRecord | None:
    permissions.require(actor, permissions.RESETTLE_CASES)
    return ArrivalRecord.objects.select_related("flight", "case").filter(pk=record_id).first()


def stay_by_id(*, actor: Actor, stay_id: int) -> Stay | None:
    permissions.require(actor, permissions.RESETTLE_CASES)
    return Stay.objects.select_related("case", "site").filter(pk=stay_id).first()


def site_by_id(*, actor: Actor, site_id: str) -> Site | None:
    permissions.require(actor, permissions.RESETTLE_CASES)
    return Site.objects.filter(pk=site_id).first() if site_id.isdigit() else None


def place_by_id(*, actor: Actor, place_id: str) -> Place | None:
    permissions.require(actor, permissions.RESETTLE_CASES)
    return Place.objects.filter(pk=place_id).first() if place_id.isdigit() else None


def milestone_by_id(*, actor: Actor, milestone_id: int) -> Milestone | None:
    permissions.require(actor, permissions.RECORD_MILESTONES)
    return (Milestone.objects.select_related("step", "case_file__case")
            .filter(pk=milestone_id).first())


def flight_for_setting(*, actor: Actor, flight_id: int) -> Flight | None:
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    return Flight.objects.filter(pk=flight_id).first()


def host_account(*, actor: Actor, username: str) -> User | None:
    """The account named, if it has the host role (else None: choose a host account)."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    return User.objects.filter(username=username.strip(), role="host").first()


def programmes(*, actor: Actor) -> list[Programme]:
    permissions.require(actor, permissions.RESETTLE_CASES)
    return list(Programme.objects.prefetch_related("steps").order_by("name"))


def latest_outcome_model(*, actor: Actor) -> OutcomeModel | None:
    """The outcome model in use (the latest version), or None."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    return OutcomeModel.objects.select_related("fitted_by").order_by("-version").first()
