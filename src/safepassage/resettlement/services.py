"""Changes made by resettlement staff and hosts: arrivals, stays, places, placement batches,
offers and their answers, milestones.

Every function checks its actor first and writes its audit entry in the same transaction. A
case becomes "resettled" only with this app's evidence that its required milestones are done
(`_resettle`, registry.facts), never by a click; "arrived" is airlift's landing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.models import Role, User
from safepassage.accounts.permissions import Actor
from safepassage.airlift.models import Flight, FlightStatus, Seat
from safepassage.audit import services as audit
from safepassage.messaging import services as messaging
from safepassage.messaging.models import Kind
from safepassage.registry.models import Case, Person, Status
from safepassage.registry.services import earn_case_status
from safepassage.resettlement import evidence, outcomes, placing
from safepassage.resettlement.models import (
    LIVE_OFFER_STATES,
    ArrivalRecord,
    Batch,
    CaseFile,
    Doer,
    FlightArrival,
    Milestone,
    Offer,
    OutcomeModel,
    Place,
    Programme,
    Score,
    Site,
    Stay,
    Step,
)
from safepassage.resettlement.selectors import age_groups, remaining_capacity, unit_size

# What a household needs, in the optimiser's vocabulary; a place's services use the same codes.
SERVICES = ("medical_care", "accessible_housing", "school", "mental_health", "employment_support")
# ISO 639-3 codes, as the placement instances write them.
LANGUAGES = ("prs", "pus", "eng", "fra", "uzb", "tuk")
# A household's preferred language in the registry, as an instance language.
REGISTRY_LANGUAGE = {"fa-af": "prs", "ps": "pus", "en": "eng", "fr": "fra"}
# A family without any recorded score may go anywhere else admissible, all places alike
# (decision 0112).
DEFAULT_SCORE = 1.0


def resettle_with_milestones(*, case: Case, programme: Programme) -> None:
    """The case becomes "resettled" with resettlement's evidence that its required milestones
    are done (registry.facts; decision 0111); the registry checks it again in the move's
    transaction. The caller has checked its actor and audits the milestone itself."""
    earn_case_status(actor=permissions.RESETTLEMENT, case=case, to_status=Status.RESETTLED,
                     evidence=evidence.milestones_done(case, programme.name),
                     reason=_("Every required milestone of %(p)s is done.")
                     % {"p": programme.name})


def _bad(field: str, message: str) -> ValidationError:
    return ValidationError({field: message})


# --- Capacity before travel ------------------------------------------------------------------


def set_capacity_before_travel(*, actor: Actor, flight: Flight, required: bool) -> FlightArrival:
    """A planned resettlement flight seats only households that a place has accepted or holds;
    an emergency evacuation flight (the default) seats anyone and arrivals go to temporary
    accommodation."""
    permissions.require(actor, permissions.MANAGE_FLIGHTS)
    if not flight.is_open:
        raise _bad("capacity_before_travel",
                   _("Flight %(f)s is %(s)s: its passengers are settled; change the setting "
                     "before boarding.") % {"f": flight.code, "s": flight.get_status_display()})
    with transaction.atomic():
        setting, _created = FlightArrival.objects.get_or_create(flight=flight)
        setting.capacity_before_travel = required
        setting.save(update_fields=["capacity_before_travel"])
        audit.record(actor=actor, action="resettlement.capacity_before_travel",
                     object_type="flight", object_id=flight.code, details={"required": required})
    return setting


# --- Arrival reconciliation ------------------------------------------------------------------


def open_reconciliation(*, actor: Actor, flight: Flight) -> FlightArrival:
    """A flight airlift recorded as landed: every member of every household on its manifest is
    expected, with what the gate recorded for its household (boarded or not)."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    if flight.status != FlightStatus.LANDED or flight.landed_at is None:
        raise _bad("flight", _("Flight %(f)s has not landed; airlift records the landing.")
                   % {"f": flight.code})
    with transaction.atomic():
        arrival, _created = FlightArrival.objects.select_for_update().get_or_create(
            flight=flight)
        if arrival.landed_at is not None:
            raise _bad("flight", _("The arrivals of flight %(f)s are already being "
                                   "reconciled.") % {"f": flight.code})
        arrival.landed_at = flight.landed_at
        arrival.landed_by = permissions.user_of(actor)
        arrival.save(update_fields=["landed_at", "landed_by"])
        seats = list(Seat.objects.filter(flight=flight).select_related("case"))
        boarded = {s.case_id: s.gate == Seat.Gate.BOARDED for s in seats}
        ArrivalRecord.objects.bulk_create([
            ArrivalRecord(flight=flight, case_id=household_case, person_id=person_id,
                          manifested=True, boarded=boarded[household_case])
            for household_case, person_id in Person.objects.filter(
                household__case__in=boarded).values_list("household__case", "id")
        ])
        audit.record(actor=actor, action="resettlement.reconciliation_opened",
                     object_type="flight", object_id=flight.code,
                     details={"households": len(seats)})
    return arrival


def add_unexpected_household(*, actor: Actor, flight: Flight, case: Case) -> list[ArrivalRecord]:
    """People who came off the flight without being on its manifest: listed for a decision."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    _landed(flight)
    with transaction.atomic():
        known = set(ArrivalRecord.objects.filter(flight=flight, case=case)
                    .values_list("person_id", flat=True))
        records = ArrivalRecord.objects.bulk_create([
            ArrivalRecord(flight=flight, case=case, person=p)
            for p in Person.objects.filter(household=case.household_id).exclude(pk__in=known)
        ])
        audit.record(actor=actor, action="resettlement.unexpected_household",
                     object_type="case", object_id=case.reference,
                     details={"flight": flight.code, "people": len(records)})
    return records


def _landed(flight: Flight) -> FlightArrival:
    arrival = FlightArrival.objects.filter(flight=flight, landed_at__isnull=False).first()
    if arrival is None:
        raise _bad("flight", _("Record the landing of flight %(f)s first.") % {"f": flight.code})
    return arrival


def record_arrival(*, actor: Actor, record: ArrivalRecord, outcome: str,
                   on: dt.date | None = None) -> ArrivalRecord:
    """One person at the destination: arrived, did not arrive, or someone else came in their
    place. The first member recorded as arrived of a household the landing made "arrived"
    opens its resettlement file, milestones due from the landing day."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    if outcome not in ArrivalRecord.Outcome.values or outcome == ArrivalRecord.Outcome.EXPECTED:
        raise _bad("outcome", _("Choose arrived, did not arrive or a different person."))
    arrival = _landed(record.flight)
    day = on or timezone.localdate(arrival.landed_at)
    with transaction.atomic():
        record.outcome = outcome
        record.recorded_at = timezone.now()
        record.recorded_by = permissions.user_of(actor)
        record.save(update_fields=["outcome", "recorded_at", "recorded_by"])
        audit.record(actor=actor, action="resettlement.arrival_recorded", object_type="person",
                     object_id=record.person_id,
                     details={"flight": record.flight.code, "case": record.case.reference,
                              "outcome": outcome})
        case = Case.objects.get(pk=record.case_id)
        if outcome == ArrivalRecord.Outcome.ARRIVED and case.status == Status.ARRIVED and \
                not CaseFile.objects.filter(case=case, arrived_on__isnull=False).exists():
            _open_case_file(case=case, arrived_on=day)
    return record


def decide_discrepancy(*, actor: Actor, record: ArrivalRecord, decision: str) -> ArrivalRecord:
    permissions.require(actor, permissions.RESETTLE_CASES)
    decision = decision.strip()
    if not decision:
        raise _bad("decision", _("Write what was decided (for example: travels on the next "
                                 "flight; identity checked with the document)."))
    with transaction.atomic():
        record.decision, record.decided_at = decision, timezone.now()
        record.save(update_fields=["decision", "decided_at"])
        audit.record(actor=actor, action="resettlement.discrepancy_decided",
                     object_type="person", object_id=record.person_id,
                     details={"flight": record.flight.code, "case": record.case.reference})
    return record


# --- Resettlement files and milestones -------------------------------------------------------


def _default_programme() -> Programme:
    programme = Programme.objects.filter(is_default=True).first()
    if programme is None:
        raise _bad("programme", _("No default programme: create one with its milestones "
                                  "(create_programme or the demo)."))
    return programme


def _open_case_file(*, case: Case, arrived_on: dt.date) -> CaseFile:
    case_file = CaseFile.objects.filter(case=case).first()
    if case_file is None:
        case_file = CaseFile.objects.create(case=case, programme=_default_programme(),
                                            languages=_languages_of(case))
    case_file.arrived_on = arrived_on
    case_file.save(update_fields=["arrived_on"])
    _schedule_milestones(case_file)
    return case_file


def open_file_on_arrival(*, actor: Actor, case: Case) -> CaseFile | None:
    """A case the landing (or a supervisor's override) made "arrived" has its resettlement file
    and milestones, due from the landing day, whether or not its flight is ever reconciled.
    Called by the registry's case_status_changed hook inside the move's transaction; the move
    was authorised, so opening the file needs no capability of its own. Without a default
    programme nothing is opened (the landing is not undone): reconciliation opens it later."""
    permissions.check_actor(actor)
    if CaseFile.objects.filter(case=case, arrived_on__isnull=False).exists():
        return None
    if not Programme.objects.filter(is_default=True).exists():
        return None
    landed_at = (Seat.objects.filter(case=case, gate=Seat.Gate.BOARDED,
                                     flight__landed_at__isnull=False)
                 .order_by("-flight__landed_at").values_list("flight__landed_at", flat=True)
                 .first())
    arrived_on = timezone.localdate(landed_at) if landed_at else timezone.localdate()
    case_file = _open_case_file(case=case, arrived_on=arrived_on)
    audit.record(actor=actor, action="resettlement.file_opened", object_type="case",
                 object_id=case.reference,
                 details={"arrived_on": arrived_on.isoformat(), "by": "arrival"})
    return case_file


def _languages_of(case: Case) -> list[str]:
    spoken = Person.objects.filter(household=case.household_id).values_list(
        "preferred_language", flat=True)
    return sorted({REGISTRY_LANGUAGE[code] for code in spoken if code in REGISTRY_LANGUAGE})


def _schedule_milestones(case_file: CaseFile) -> None:
    """Each step of the programme's template, due so many days after arrival."""
    if case_file.arrived_on is None:
        return
    have = set(case_file.milestones.values_list("step_id", flat=True))
    Milestone.objects.bulk_create([
        Milestone(case_file=case_file, step=step,
                  due_on=case_file.arrived_on + dt.timedelta(days=step.due_days))
        for step in case_file.programme.steps.all() if step.pk not in have
    ])


@dataclass(frozen=True)
class StepSpec:
    name: str
    due_days: int
    done_by: str = Doer.CASEWORKER
    required: bool = True


def create_programme(*, actor: Actor, name: str, steps: Sequence[StepSpec],
                     is_default: bool = False) -> Programme:
    permissions.require(actor, permissions.RESETTLE_CASES)
    name = name.strip()
    if not name:
        raise _bad("name", _("Give the programme a name."))
    if Programme.objects.filter(name=name).exists():
        raise _bad("name", _("A programme is already called %(n)s; choose another name.")
                   % {"n": name})
    if not any(s.required for s in steps):
        raise _bad("steps", _("Mark at least one milestone as required: a case is resettled "
                              "when its required milestones are done."))
    for i, step in enumerate(steps):
        if not step.name.strip() or step.due_days < 0 or step.done_by not in Doer.values:
            raise _bad("steps", _("Milestone %(n)s: give a name, a number of days from "
                                  "arrival (0 or more) and who does it.") % {"n": i + 1})
    with transaction.atomic():
        if is_default:
            Programme.objects.filter(is_default=True).update(is_default=False)
        programme = Programme.objects.create(name=name, is_default=is_default)
        Step.objects.bulk_create([
            Step(programme=programme, name=s.name.strip(), due_days=s.due_days,
                 done_by=s.done_by, required=s.required, order=i)
            for i, s in enumerate(steps)])
        audit.record(actor=actor, action="resettlement.programme_created",
                     object_type="programme", object_id=programme.pk,
                     details={"steps": len(steps), "default": is_default})
    return programme


def _accepted_place(case_file: CaseFile) -> Place | None:
    offer = (Offer.objects.filter(case=case_file.case_id,
                                  state__in=[Offer.State.ACCEPTED, Offer.State.HELD])
             .select_related("place").first())
    return offer.place if offer else None


def may_do(*, actor: Actor, milestone: Milestone) -> bool:
    """A caseworker's milestone is done by resettlement staff; a host's by a host of the place
    that accepted the household."""
    if not permissions.can(actor, permissions.RECORD_MILESTONES):
        return False
    if milestone.step.done_by == Doer.HOST:
        place = _accepted_place(milestone.case_file)
        return (isinstance(actor, User) and actor.role == Role.HOST and place is not None
                and place.hosts.filter(pk=actor.pk).exists())
    return permissions.can(actor, permissions.RESETTLE_CASES)


def complete_milestone(*, actor: Actor, milestone: Milestone, note: str = "",
                       on: dt.datetime | None = None) -> Milestone:
    """Record a milestone done; the last required one makes the case resettled."""
    permissions.require(actor, permissions.RECORD_MILESTONES)
    if not may_do(actor=actor, milestone=milestone):
        raise PermissionDenied(_("“%(m)s” is done by the %(who)s.")
                               % {"m": milestone.step.name,
                                  "who": Doer(milestone.step.done_by).label.lower()})
    if milestone.done_at is not None:
        raise _bad("milestone", _("“%(m)s” is already recorded as done.")
                   % {"m": milestone.step.name})
    case_file = milestone.case_file
    case = Case.objects.get(pk=case_file.case_id)
    with transaction.atomic():
        milestone.done_at = on or timezone.now()
        milestone.done_by = permissions.user_of(actor)
        milestone.note = note.strip()
        milestone.save(update_fields=["done_at", "done_by", "note"])
        audit.record(actor=actor, action="resettlement.milestone_done", object_type="case",
                     object_id=case.reference,
                     details={"step": milestone.step.name, "due_on": str(milestone.due_on)})
        open_required = case_file.milestones.filter(step__required=True, done_at__isnull=True)
        following = (case_file.milestones.filter(done_at__isnull=True)
                     .select_related("step").first())
        messaging.queue_messages(actor=actor, cases=[case], kind=Kind.MILESTONE, context={
            "milestone": milestone.step.name, "next": following.step.name if following else ""})
        if not open_required.exists() and case.status == Status.ARRIVED:
            case_file.resettled_on = timezone.localdate(milestone.done_at)
            case_file.save(update_fields=["resettled_on"])
            resettle_with_milestones(case=case, programme=case_file.programme)
    return milestone


def set_case_file(*, actor: Actor, case: Case, needs: Iterable[str] | None = None,
                  languages: Iterable[str] | None = None, ties: Iterable[Place] | None = None,
                  caseworker: User | None = None, programme: Programme | None = None
                  ) -> CaseFile:
    """What the household needs, the languages it speaks, the places it has ties to, its
    caseworker and programme. A case not yet arrived is put forward for placement before
    travel (for a flight with capacity before travel)."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    if needs is not None:
        needs = sorted(set(needs))
        unknown = [n for n in needs if n not in SERVICES]
        if unknown:
            raise _bad("needs", _("Unknown need: %(n)s. Choose from: %(all)s.")
                       % {"n": ", ".join(unknown), "all": ", ".join(SERVICES)})
    if languages is not None:
        languages = sorted(set(languages))
        unknown = [n for n in languages if n not in LANGUAGES]
        if unknown:
            raise _bad("languages", _("Unknown language code: %(n)s. Choose from: %(all)s.")
                       % {"n": ", ".join(unknown), "all": ", ".join(LANGUAGES)})
    if caseworker is not None and not permissions.can(caseworker, permissions.RESETTLE_CASES):
        raise _bad("caseworker", _("This account cannot do resettlement casework; choose a "
                                   "caseworker."))
    if case.status not in (Status.APPROVED, Status.MANIFESTED, Status.BOARDED, Status.ARRIVED):
        raise _bad("case", _("A case that is “%(s)s” has no resettlement file yet.")
                   % {"s": Status(case.status).label})
    with transaction.atomic():
        case_file = CaseFile.objects.filter(case=case).first()
        if case_file is None:
            case_file = CaseFile.objects.create(
                case=case, programme=programme or _default_programme(),
                languages=_languages_of(case), before_travel=case.status != Status.ARRIVED)
        if needs is not None:
            case_file.needs = needs
        if languages is not None:
            case_file.languages = languages
        if caseworker is not None:
            case_file.caseworker = caseworker
        if programme is not None and programme.pk != case_file.programme_id:
            if case_file.milestones.exists():
                raise _bad("programme", _("Milestones are already scheduled under %(p)s.")
                           % {"p": case_file.programme.name})
            case_file.programme = programme
        case_file.save()
        if ties is not None:
            case_file.ties.set(list(ties))
        audit.record(actor=actor, action="resettlement.case_file_set", object_type="case",
                     object_id=case.reference,
                     details={"needs": case_file.needs, "languages": case_file.languages,
                              "ties": sorted(p.pk for p in case_file.ties.all())})
    return case_file


# --- Temporary accommodation -----------------------------------------------------------------


def create_site(*, actor: Actor, name: str, kind: str, rooms: int, beds: int) -> Site:
    permissions.require(actor, permissions.RESETTLE_CASES)
    if not name.strip():
        raise _bad("name", _("Give the site a name."))
    if rooms < 1 or beds < 1:
        raise _bad("beds", _("A site has at least one room and one bed."))
    if kind not in Site.Kind.values:
        raise _bad("kind", _("Choose hotel, base or reception centre."))
    with transaction.atomic():
        site = Site.objects.create(name=name.strip(), kind=kind, rooms=rooms, beds=beds)
        audit.record(actor=actor, action="resettlement.site_created", object_type="site",
                     object_id=site.pk, details={"rooms": rooms, "beds": beds})
    return site


def check_in(*, actor: Actor, case: Case, site: Site, rooms: int = 1,
             on: dt.date | None = None) -> Stay:
    """A household checks in with a bed for each member, in as many rooms as it needs."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    if case.status not in (Status.ARRIVED, Status.RESETTLED):
        raise _bad("case", _("Record the household's arrival before checking it in."))
    day = on or timezone.localdate()
    beds = Person.objects.filter(household=case.household_id).count()
    if rooms < 1:
        raise _bad("rooms", _("A household needs at least one room."))
    with transaction.atomic():
        Site.objects.select_for_update().get(pk=site.pk)
        if Stay.objects.filter(case=case, checked_out_on__isnull=True).exists():
            raise _bad("case", _("This household is already checked in; check it out or move "
                                 "it."))
        used = Stay.objects.filter(site=site, checked_out_on__isnull=True).aggregate(
            rooms=Sum("rooms"), beds=Sum("beds"))
        if (used["beds"] or 0) + beds > site.beds or (used["rooms"] or 0) + rooms > site.rooms:
            raise _bad("site", _("%(s)s has %(b)s beds and %(r)s rooms free; this household "
                                 "needs %(nb)s beds in %(nr)s rooms. Choose another site.")
                       % {"s": site.name, "b": site.beds - (used["beds"] or 0),
                          "r": site.rooms - (used["rooms"] or 0), "nb": beds, "nr": rooms})
        stay = Stay.objects.create(case=case, site=site, rooms=rooms, beds=beds,
                                   checked_in_on=day)
        audit.record(actor=actor, action="resettlement.checked_in", object_type="case",
                     object_id=case.reference, details={"site": site.pk, "on": str(day)})
        messaging.queue_messages(actor=actor, cases=[case], kind=Kind.ACCOMMODATION,
                                 context={"site": site.name, "day": f"{day:%d/%m/%Y}"})
    return stay


def check_out(*, actor: Actor, stay: Stay, on: dt.date | None = None) -> Stay:
    permissions.require(actor, permissions.RESETTLE_CASES)
    day = on or timezone.localdate()
    if stay.checked_out_on is not None:
        raise _bad("stay", _("This household has already checked out."))
    if day < stay.checked_in_on:
        raise _bad("on", _("Check-out cannot be before check-in (%(d)s).")
                   % {"d": stay.checked_in_on})
    with transaction.atomic():
        stay.checked_out_on = day
        stay.save(update_fields=["checked_out_on"])
        audit.record(actor=actor, action="resettlement.checked_out", object_type="case",
                     object_id=stay.case.reference,
                     details={"site": stay.site_id, "nights": stay.nights()})
    return stay


def move_household(*, actor: Actor, stay: Stay, site: Site, rooms: int = 1,
                   on: dt.date | None = None) -> Stay:
    """Check out of one site and into another on the same day; the person is told."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    with transaction.atomic():
        check_out(actor=actor, stay=stay, on=on)
        return check_in(actor=actor, case=stay.case, site=site, rooms=rooms, on=on)


# --- Places and hosts ------------------------------------------------------------------------


def create_place(*, actor: Actor, name: str, kind: str, period_start: dt.date,
                 period_end: dt.date, children: int = 0, adults: int = 0, seniors: int = 0,
                 units_small: int = 0, units_medium: int = 0, units_large: int = 0,
                 services: Iterable[str] = (), languages: Iterable[str] = ()) -> Place:
    permissions.require(actor, permissions.RESETTLE_CASES)
    if not name.strip():
        raise _bad("name", _("Give the place a name."))
    if kind not in Place.Kind.values:
        raise _bad("kind", _("Choose community, agency office or private sponsor."))
    if period_end < period_start:
        raise _bad("period_end", _("The period ends before it starts."))
    if min(children, adults, seniors, units_small, units_medium, units_large) < 0:
        raise _bad("adults", _("Capacities are whole numbers of 0 or more."))
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        raise _bad("services", _("Unknown service: %(n)s. Choose from: %(all)s.")
                   % {"n": ", ".join(unknown), "all": ", ".join(SERVICES)})
    unknown = [s for s in languages if s not in LANGUAGES]
    if unknown:
        raise _bad("languages", _("Unknown language code: %(n)s. Choose from: %(all)s.")
                   % {"n": ", ".join(unknown), "all": ", ".join(LANGUAGES)})
    with transaction.atomic():
        place = Place.objects.create(
            name=name.strip(), kind=kind, period_start=period_start, period_end=period_end,
            children=children, adults=adults, seniors=seniors, units_small=units_small,
            units_medium=units_medium, units_large=units_large,
            services=sorted(set(services)), languages=sorted(set(languages)))
        audit.record(actor=actor, action="resettlement.place_created", object_type="place",
                     object_id=place.pk, details={"kind": kind})
    return place


def add_host(*, actor: Actor, place: Place, user: User) -> None:
    permissions.require(actor, permissions.RESETTLE_CASES)
    if user.role != Role.HOST:
        raise _bad("user", _("Only an account with the host role can answer for a place."))
    with transaction.atomic():
        place.hosts.add(user)
        audit.record(actor=actor, action="resettlement.host_added", object_type="place",
                     object_id=place.pk, details={"user": user.pk})


def record_score(*, actor: Actor, case: Case, place: Place, score: float) -> Score:
    """The expected outcome of this household at this place (staff's judgement or a model's)."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    if not 0.0 <= score <= 1.0:
        raise _bad("score", _("A score is between 0 and 1."))
    with transaction.atomic():
        row, _created = Score.objects.update_or_create(case=case, place=place,
                                                       defaults={"score": score})
        audit.record(actor=actor, action="resettlement.score_recorded", object_type="case",
                     object_id=case.reference, details={"place": place.pk, "score": score})
    return row


# --- Placement -------------------------------------------------------------------------------


def _families_waiting() -> list[CaseFile]:
    """Arrived households, and those put forward before travel, with no live offer."""
    live = Offer.objects.filter(state__in=LIVE_OFFER_STATES).values("case_id")
    return list(
        CaseFile.objects.filter(resettled_on__isnull=True,
                                case__status__in=[Status.ARRIVED, Status.APPROVED,
                                                  Status.MANIFESTED])
        .exclude(case_id__in=live)
        .exclude(arrived_on__isnull=True, before_travel=False)
        .select_related("case").prefetch_related("ties").order_by("pk"))


def _members(case_files: Sequence[CaseFile], on: dt.date) -> dict[int, dict[str, int]]:
    births: dict[int, list[Any]] = {cf.case.household_id: [] for cf in case_files}
    for household_id, birth in Person.objects.filter(household__in=list(births)).values_list(
            "household_id", "birth_date"):
        births[household_id].append(birth)
    members = {}
    for cf in case_files:
        members[cf.case_id] = age_groups(births[cf.case.household_id], on)
    return members


# The largest household a unit of each size houses, as the optimiser's `housing_units` write
# them (a family takes one unit at least its size; decision 0112).
UNIT_PERSONS = {"small": 2, "medium": 5, "large": 20}


def _capacity_for_instance(place: Place) -> dict[str, Any]:
    left = remaining_capacity(place)
    return {"children": left["children"], "adults": left["adults"], "seniors": left["seniors"],
            "housing_units": {str(UNIT_PERSONS[size]): max(0, left["units_" + size])
                              for size in UNIT_PERSONS}}


def fit_outcome_model(*, actor: Actor, text: str, source_name: str = "") -> OutcomeModel:
    """Fit the outcome model on a CSV of past arrivals (decision 0067) and keep it as the next
    version, with who fitted it, on how many rows, its held-out figures and the lines rejected
    (line, field, reason). ValidationError (field "file") when nothing can be learnt."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    read = outcomes.read_csv(text)
    rejected = [{"line": r.line, "field": r.field, "reason": r.reason} for r in read.rejected]
    try:
        fitted = outcomes.fit(read.arrivals, place_languages={
            p.name: frozenset(p.languages) for p in Place.objects.all()})
    except outcomes.NotEnoughRows:
        raise _bad("file", _("At least 20 usable lines with both outcomes (yes and no) are "
                             "needed to fit a model; %(n)s usable, %(r)s rejected.")
                   % {"n": len(read.arrivals), "r": read.rejected_count}) from None
    with transaction.atomic():
        last = OutcomeModel.objects.select_for_update().order_by("-version").first()
        model = OutcomeModel.objects.create(
            version=(last.version + 1) if last else 1, fitted_by=permissions.user_of(actor),
            source_name=source_name[:200], rows=fitted.rows,
            rejected_count=read.rejected_count, rejected=rejected,
            held_out_rows=fitted.held_out_rows, held_out_accuracy=fitted.held_out_accuracy,
            held_out_auc=fitted.held_out_auc, intercept=fitted.intercept,
            coefficients=fitted.coefficients, source_text=text)
        audit.record(actor=actor, action="resettlement.outcome_model_fitted",
                     object_type="outcome_model", object_id=model.version,
                     details={"rows": model.rows, "rejected": model.rejected_count,
                              "held_out_auc": model.held_out_auc})
    return model


def _fitted(model: OutcomeModel) -> outcomes.OutcomeModel:
    return outcomes.OutcomeModel(
        intercept=model.intercept, coefficients=dict(model.coefficients), rows=model.rows,
        held_out_rows=model.held_out_rows, held_out_accuracy=model.held_out_accuracy,
        held_out_auc=model.held_out_auc)


def _modelled(model: outcomes.OutcomeModel, members: dict[str, int], case_file: CaseFile,
              place: Place) -> tuple[float, list[list[Any]]]:
    """The model's score of a household at a place, and its main terms."""
    family: dict[str, Any] = {
        "children": members["children"], "adults": members["adults"],
        "seniors": members["seniors"], "needs": frozenset(case_file.needs), "place": place.name,
        "speaks_language": bool(set(case_file.languages) & set(place.languages))}
    terms = [[name, round(value, 3)] for name, value in model.main_terms(**family)]
    return round(model.score(**family), 4), terms


def _build_instance(*, case_files: Sequence[CaseFile], places: Sequence[Place], on: dt.date,
                    explained: dict[tuple[int, int], list[list[Any]]] | None = None
                    ) -> dict[str, Any]:
    """The optimiser's instance. Scores: staff's where given; for a household with none, the
    latest outcome model's (its main terms into `explained`), else DEFAULT_SCORE everywhere."""
    members = _members(case_files, on)
    scores = {(s.case_id, s.place_id): s.score for s in Score.objects.filter(
        case__in=[cf.case_id for cf in case_files], place__in=places)}
    scored_cases = {c for c, _p in scores}
    latest = OutcomeModel.objects.order_by("-version").first()
    if latest is not None:
        model = _fitted(latest)
        for cf in case_files:
            if cf.case_id in scored_cases:
                continue
            for p in places:
                score, terms = _modelled(model, members[cf.case_id], cf, p)
                scores[(cf.case_id, p.pk)] = score
                if explained is not None:
                    explained[(cf.case_id, p.pk)] = [[f"model v{latest.version}", score],
                                                     *terms]
        scored_cases = {c for c, _p in scores}
    return {
        "families": [
            {"id": cf.case_id, "members": members[cf.case_id], "needs": list(cf.needs),
             "languages": list(cf.languages), "ties": [p.pk for p in cf.ties.all()]}
            for cf in case_files],
        "places": [{"id": p.pk, "capacity": _capacity_for_instance(p),
                    "services": list(p.services),
                    "languages": list(p.languages)} for p in places],
        "scores": [
            {"family": cf.case_id, "place": p.pk,
             "score": scores.get((cf.case_id, p.pk), DEFAULT_SCORE)}
            for cf in case_files for p in places
            if (cf.case_id, p.pk) in scores or cf.case_id not in scored_cases],
    }


def _reasons(case_file: CaseFile, place: Place, score: float) -> dict[str, Any]:
    spoken = sorted(set(case_file.languages) & set(place.languages))
    return {"score": round(score, 3), "needs_met": list(case_file.needs),
            "languages": spoken, "tie": place.pk in {p.pk for p in case_file.ties.all()}}


def _weeks_waited(case_file: CaseFile, on: dt.date) -> int:
    """Whole weeks since the household arrived (0 before it has)."""
    if case_file.arrived_on is None:
        return 0
    return max(0, (on - case_file.arrived_on).days // 7)


def _wait_priority(weeks: int) -> float:
    """What a family's scores gain in a batch for waiting: RESETTLEMENT_WAIT_PRIORITY for every
    week past RESETTLEMENT_WAIT_CAP_WEEKS (nothing up to the cap)."""
    past = weeks - settings.RESETTLEMENT_WAIT_CAP_WEEKS
    return settings.RESETTLEMENT_WAIT_PRIORITY * past if past > 0 else 0.0


def _with_wait(reason: str, weeks: int) -> str:
    return reason + "; " + (_("it has waited %(n)s weeks since it arrived") % {"n": weeks})


def run_scheduled_batch(*, actor: Actor, today: dt.date | None = None) -> Batch | None:
    """The runner's weekly batch: run for this week on or after RESETTLEMENT_BATCH_WEEKDAY,
    unless a batch (staff's or the runner's) has already been run for a day of this week.
    The batch run, or None when none was due."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    if today.weekday() < settings.RESETTLEMENT_BATCH_WEEKDAY:
        return None
    if Batch.objects.filter(week_of__gte=monday,
                            week_of__lt=monday + dt.timedelta(days=7)).exists():
        return None
    return run_batch(actor=actor, week_of=today)


def run_batch(*, actor: Actor, week_of: dt.date | None = None) -> Batch:
    """This week's placement: every waiting household against the capacity still free in the
    places whose period covers the week. Each family placed is offered to its place, with its
    reasons; each left unplaced says why.

    The instance is built and solved with no lock held (the optimiser may take half a minute
    on a large week, and staff keep offering and holding meanwhile); the offers are written
    under the places' locks, each checked again against the capacity left then and against
    an offer made for the household meanwhile (decision 0065)."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    week_of = week_of or timezone.localdate()
    places = list(Place.objects.filter(
        period_start__lte=week_of, period_end__gte=week_of).prefetch_related("hosts"))
    case_files = _families_waiting()
    explained: dict[tuple[int, int], list[list[Any]]] = {}
    instance = _build_instance(case_files=case_files, places=places, on=week_of,
                               explained=explained)
    score_of = {(s["family"], s["place"]): s["score"] for s in instance["scores"]}
    waited = {cf.case_id: _weeks_waited(cf, week_of) for cf in case_files}
    priority = {case_id: _wait_priority(weeks) for case_id, weeks in waited.items()}
    for s in instance["scores"]:
        # Families waiting past the cap go first (decision 0066).
        s["score"] += priority[s["family"]]
    placer = placing.optimiser()
    result = placer(instance)
    by_case = {cf.case_id: cf for cf in case_files}
    members = {f["id"]: f["members"] for f in instance["families"]}
    unplaced = [{"case": by_case[u["family"]].case.reference, "weeks_waited": waited[u["family"]],
                 "reason": _with_wait(u["reason"], waited[u["family"]])}
                for u in result.get("unplaced", [])]
    with transaction.atomic():
        # The capacity and the live offers as they are now, the places locked (in one order,
        # so that two batches, or a batch and an override, never wait on each other).
        by_place = {p.pk: p for p in Place.objects.select_for_update().filter(
            pk__in=[p.pk for p in places]).order_by("pk")}
        left = {pk: remaining_capacity(place) for pk, place in by_place.items()}
        offered_meanwhile = set(Offer.objects.filter(
            case__in=list(by_case), state__in=LIVE_OFFER_STATES).values_list("case_id",
                                                                               flat=True))
        batch = Batch.objects.create(
            week_of=week_of, run_by=permissions.user_of(actor),
            objective=float(result.get("objective", 0.0)), bound=float(result.get("bound", 0.0)),
            method=str(result.get("method", getattr(placer, "__module__", ""))),
            unplaced=list(unplaced))
        offers = []
        for a in result.get("assignments", []):
            cf = by_case[a["family"]]
            if cf.case_id in offered_meanwhile:
                continue  # staff offered or a sponsor held it while the batch ran: theirs holds
            place = by_place.get(a["place"])
            m = members[cf.case_id]
            need = {**m, "units_" + unit_size(sum(m.values())): 1}
            room = left.get(a["place"], {})
            if place is None or any(n > room.get(k, 0) for k, n in need.items()):
                unplaced.append({
                    "case": cf.case.reference, "weeks_waited": waited[cf.case_id],
                    "reason": _with_wait(_(
                        "capacity changed while the batch ran: %(p)s has no room left for "
                        "this household now; it waits for the next batch") % {
                            "p": place.name if place is not None else a["place"]},
                        waited[cf.case_id])})
                continue
            for k, n in need.items():
                room[k] -= n
            score = score_of[(cf.case_id, place.pk)]
            reasons = _reasons(cf, place, score)
            if (cf.case_id, place.pk) in explained:
                # The model's score: its version and the terms that weigh most (decision 0067).
                reasons["outcome_model"] = explained[(cf.case_id, place.pk)]
            if priority[cf.case_id]:
                reasons["weeks_waited"] = waited[cf.case_id]
                reasons["wait_priority"] = priority[cf.case_id]
            offers.append(Offer(case=cf.case, place=place, batch=batch, score=score,
                                reasons=reasons,
                                created_by=permissions.user_of(actor), children=m["children"],
                                adults=m["adults"], seniors=m["seniors"]))
        Offer.objects.bulk_create(offers)
        if len(unplaced) != len(batch.unplaced):
            batch.unplaced = unplaced
            batch.save(update_fields=["unplaced"])
        audit.record(actor=actor, action="resettlement.batch_run", object_type="batch",
                     object_id=batch.pk,
                     details={"offered": len(offers), "unplaced": len(batch.unplaced),
                              "objective": batch.objective, "bound": batch.bound})
    return batch


def _offer_to(*, actor: Actor, case: Case, place: Place, state: str, reason: str,
              reasons: dict[str, Any]) -> Offer:
    case_file = CaseFile.objects.filter(case=case).first()
    if case_file is None or case_file.resettled_on is not None:
        raise _bad("case", _("This household has no open resettlement file."))
    with transaction.atomic():
        Place.objects.select_for_update().get(pk=place.pk)
        for live in Offer.objects.filter(case=case, state__in=LIVE_OFFER_STATES):
            live.state = Offer.State.WITHDRAWN
            live.save(update_fields=["state"])
        m = _members([case_file], timezone.localdate())[case.pk]
        left = remaining_capacity(place)
        unit = "units_" + unit_size(sum(m.values()))
        short = [k for k, n in [*m.items(), (unit, 1)] if n > left.get(k, 0)]
        if short:
            raise _bad("place", _("%(p)s has no room left for this household (%(k)s); choose "
                                  "another place or raise its capacity.")
                       % {"p": place.name, "k": ", ".join(short)})
        offer = Offer.objects.create(
            case=case, place=place, state=state, override_reason=reason, reasons=reasons,
            created_by=permissions.user_of(actor), children=m["children"], adults=m["adults"],
            seniors=m["seniors"])
    return offer


def override_placement(*, actor: Actor, case: Case, place: Place, reason: str) -> Offer:
    """Staff offer a household to another place than the batch chose, saying why."""
    permissions.require(actor, permissions.RESETTLE_CASES)
    reason = reason.strip()
    if not reason:
        raise _bad("reason", _("Say why this household goes to this place instead."))
    with transaction.atomic():
        offer = _offer_to(actor=actor, case=case, place=place, state=Offer.State.OFFERED,
                          reason=reason, reasons={"override": True})
        audit.record(actor=actor, action="resettlement.placement_overridden",
                     object_type="case", object_id=case.reference,
                     details={"place": place.pk})
    return offer


def _host_of(actor: Actor, place: Place) -> None:
    if not (isinstance(actor, User) and place.hosts.filter(pk=actor.pk).exists()):
        # The same answer as for an offer that does not exist: nothing revealed.
        raise PermissionDenied(_("This offer is not one of yours."))


def answer_offer(*, actor: Actor, offer: Offer, accept: bool, reason: str = "") -> Offer:
    """The host accepts or declines a family offered to its place; a decline says why."""
    permissions.require(actor, permissions.ANSWER_OFFERS)
    _host_of(actor, offer.place)
    reason = reason.strip()
    if offer.state != Offer.State.OFFERED:
        raise _bad("offer", _("This offer is already %(s)s.") % {"s": offer.get_state_display()})
    if not accept and not reason:
        raise _bad("reason", _("Say why you decline (for example: no home large enough "
                               "this month), so the family can be offered elsewhere."))
    with transaction.atomic():
        offer.state = Offer.State.ACCEPTED if accept else Offer.State.DECLINED
        offer.answer_reason = reason
        offer.answered_at, offer.answered_by = timezone.now(), permissions.user_of(actor)
        offer.save(update_fields=["state", "answer_reason", "answered_at", "answered_by"])
        audit.record(actor=actor, action="resettlement.offer_answered", object_type="case",
                     object_id=offer.case.reference,
                     details={"place": offer.place_id, "accepted": accept})
        if accept:
            messaging.queue_messages(actor=actor, cases=[offer.case], kind=Kind.PLACEMENT,
                                     context={"place": offer.place.name})
    return offer


def hold_family(*, actor: Actor, place: Place, reference: str, reason: str) -> Offer:
    """A private sponsor holds capacity for a family it names (a relative, a former
    colleague). A reference it cannot hold is refused without saying whether it exists."""
    permissions.require(actor, permissions.ANSWER_OFFERS)
    _host_of(actor, place)
    if place.kind != Place.Kind.SPONSOR:
        raise _bad("place", _("Only a private sponsor holds a named family."))
    reason = reason.strip()
    if not reason:
        raise _bad("reason", _("Say how you know this family (a relative, a former "
                               "colleague)."))
    case = Case.objects.filter(reference=reference.strip().upper()).first()
    if case is None or case.status not in (Status.APPROVED, Status.MANIFESTED, Status.BOARDED,
                                           Status.ARRIVED):
        raise _bad("reference", _("No family with this reference can be held now; check the "
                                  "reference with the family or their caseworker."))
    with transaction.atomic():
        if not CaseFile.objects.filter(case=case).exists():
            CaseFile.objects.create(case=case, programme=_default_programme(),
                                    languages=_languages_of(case),
                                    before_travel=case.status != Status.ARRIVED)
        offer = _offer_to(actor=actor, case=case, place=place, state=Offer.State.HELD,
                          reason=reason, reasons={"held_by_sponsor": True})
        audit.record(actor=actor, action="resettlement.family_held", object_type="case",
                     object_id=case.reference, details={"place": place.pk})
    return offer
