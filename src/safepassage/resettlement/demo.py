"""The phase after the flight for `make run`: the households the demo flew out, reconciled at
arrival, in hotels and bases, offered to communities, agency offices and sponsors, and their
milestones, so that every case the demo shows as resettled has its required milestones done.

Written in bulk from the registry's history (the arrival dates the airlift demo gave each
case), as the other demos do; seven in ten households are then resettled through their
milestones' evidence (registry.facts), like any case; one audit entry for the load.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.accounts.models import Role, User
from safepassage.airlift.models import Seat
from safepassage.audit import services as audit
from safepassage.registry.models import Case, Category, Person, Status, StatusChange
from safepassage.resettlement import services
from safepassage.resettlement.models import (
    ArrivalRecord,
    CaseFile,
    Doer,
    FlightArrival,
    Milestone,
    Offer,
    Place,
    Programme,
    Site,
    Stay,
    Step,
)
from safepassage.resettlement.selectors import age_groups

STEPS = [("Met at arrival", 0, Doer.CASEWORKER, True),
         ("First home visit", 1, Doer.HOST, True),
         ("Health screening", 10, Doer.CASEWORKER, True),
         ("School enrolment", 30, Doer.HOST, True),
         ("Permanent housing", 60, Doer.HOST, True),
         ("Income support started", 45, Doer.CASEWORKER, True),
         ("Identity documents", 90, Doer.CASEWORKER, True),
         ("Outcome check-in at 90 days", 90, Doer.CASEWORKER, False),
         ("Outcome check-in at 6 months", 182, Doer.CASEWORKER, False),
         ("Outcome check-in at 12 months", 365, Doer.CASEWORKER, False)]
SITES = [("Airport Reception Centre", Site.Kind.RECEPTION_CENTRE, 120, 400),
         ("Base North", Site.Kind.BASE, 200, 800),
         ("Hotel Meridian", Site.Kind.HOTEL, 150, 380),
         ("Hotel Parkside", Site.Kind.HOTEL, 90, 240)]
PLACES = [("Villeurbanne community", Place.Kind.COMMUNITY, ["school", "medical_care"],
           ["prs", "pus"]),
          ("Rennes agency office", Place.Kind.AGENCY_OFFICE,
           ["school", "employment_support", "accessible_housing"], ["prs"]),
          ("Nantes community", Place.Kind.COMMUNITY, ["school"], ["pus"]),
          ("Grenoble agency office", Place.Kind.AGENCY_OFFICE,
           ["medical_care", "mental_health", "school"], ["prs", "pus"]),
          ("Lille community", Place.Kind.COMMUNITY, ["school", "employment_support"], []),
          ("The Durand family", Place.Kind.SPONSOR, [], [])]
# The required milestone a household not yet resettled is still waiting for.
WAITS_ON = "Permanent housing"
# Households still in temporary accommodation, waiting for a home: the longest waits.
STILL_WAITING = 25


@dataclass
class Loaded:
    households: int
    in_accommodation: int
    placed: int
    resettled: int


def _moments(case_ids: list[int]) -> dict[int, dict[str, dt.datetime]]:
    moments: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    for case_id, to_status, at in StatusChange.objects.filter(
            case__in=case_ids, to_status__in=[Status.ARRIVED, Status.RESETTLED]).values_list(
            "case_id", "to_status", "at"):
        moments[case_id][to_status] = at
    return moments


@transaction.atomic
def load_demo_resettlement(*, seed: int = 2021) -> Loaded:
    rng = random.Random(seed)
    programme = Programme.objects.create(name="Afghan resettlement programme", is_default=True)
    steps = Step.objects.bulk_create([
        Step(programme=programme, name=n, due_days=d, done_by=who, required=r, order=i)
        for i, (n, d, who, r) in enumerate(STEPS)])
    sites = Site.objects.bulk_create([Site(name=n, kind=k, rooms=r, beds=b)
                                      for n, k, r, b in SITES])
    places = Place.objects.bulk_create([
        Place(name=n, kind=k, services=s, languages=lang, children=900, adults=1200,
              seniors=150, units_small=150, units_medium=300, units_large=120,
              period_start=dt.date(2021, 8, 1), period_end=dt.date(2022, 12, 31))
        for n, k, s, lang in PLACES])
    host = User.objects.filter(username="host", role=Role.HOST).first()
    if host is not None:
        for place in places:
            place.hosts.add(host)

    cases = list(Case.objects.filter(status=Status.ARRIVED)
                 .exclude(category=Category.CITIZEN).order_by("pk"))
    moments = _moments([c.pk for c in cases])
    members: dict[int, list[tuple[int, dt.date | None]]] = defaultdict(list)
    for household_id, person_id, birth in Person.objects.filter(
            household__case__in=cases).values_list("household_id", "id", "birth_date"):
        members[household_id].append((person_id, birth))
    seats = {s.case_id: s for s in Seat.objects.filter(case__in=cases, gate=Seat.Gate.BOARDED)}

    for flight_id in {s.flight_id for s in seats.values()}:
        first = min(moments[s.case_id][Status.ARRIVED] for s in seats.values()
                    if s.flight_id == flight_id)
        FlightArrival.objects.update_or_create(flight_id=flight_id, defaults={"landed_at": first})
    records, files, stays, offers, milestones = [], [], [], [], []
    waiting_left = STILL_WAITING
    today = timezone.localdate()
    for case in cases:
        arrived_at = moments[case.pk].get(Status.ARRIVED)
        if arrived_at is None:
            continue
        arrived = timezone.localdate(arrived_at)
        # Seven in ten households not on the waiting list are resettled after 20 to 300 days.
        resettled_at = (arrived_at + dt.timedelta(days=rng.uniform(20, 300))
                        if rng.random() < 0.7 else None)
        if resettled_at is not None and resettled_at.date() > today:
            resettled_at = None
        seat = seats.get(case.pk)
        if seat is not None:
            records += [ArrivalRecord(flight_id=seat.flight_id, case=case, person_id=pid,
                                      manifested=True, boarded=True,
                                      outcome=ArrivalRecord.Outcome.ARRIVED,
                                      recorded_at=arrived_at)
                        for pid, _birth in members[case.household_id]]
        resettled = timezone.localdate(resettled_at) if resettled_at else None
        files.append(CaseFile(case=case, programme=programme, arrived_on=arrived,
                              resettled_on=resettled, languages=["prs"]))
        site = rng.choice(sites)
        people = len(members[case.household_id])
        if resettled is None and waiting_left > 0:
            waiting_left -= 1
            stays.append(Stay(case=case, site=site, rooms=max(1, people // 3), beds=people,
                              checked_in_on=arrived))
            continue
        placed_on = (arrived + dt.timedelta(days=rng.randint(5, 60)) if resettled is None
                     else min(resettled, arrived + dt.timedelta(days=rng.randint(5, 60))))
        stays.append(Stay(case=case, site=site, rooms=max(1, people // 3), beds=people,
                          checked_in_on=arrived, checked_out_on=placed_on))
        groups = age_groups((b for _pid, b in members[case.household_id]), arrived)
        place = rng.choice(places)
        offers.append(Offer(case=case, place=place, state=Offer.State.ACCEPTED,
                            score=round(rng.uniform(0.2, 0.9), 3),
                            reasons={"demo": True}, created_at=arrived_at,
                            answered_at=arrived_at + dt.timedelta(days=2), **groups))
    CaseFile.objects.bulk_create(files)
    for case_file in files:
        done_by = case_file.resettled_on
        arrived_on: dt.date = case_file.arrived_on or today
        for step in steps:
            due = arrived_on + dt.timedelta(days=step.due_days)
            done: dt.date | None = None
            if done_by is not None and step.required:
                done = min(done_by, due)
            elif (step.name != WAITS_ON and due < today - dt.timedelta(days=rng.randint(0, 30))
                  and rng.random() < 0.6):
                done = due
            milestones.append(Milestone(
                case_file=case_file, step=step, due_on=due,
                done_at=None if done is None else dt.datetime.combine(
                    done, dt.time(12), tzinfo=dt.UTC)))
        if done_by is not None:
            # The last required milestone is the day the case was resettled.
            last = max((m for m in milestones[-len(steps):] if m.step.required),
                       key=lambda m: m.due_on)
            last.done_at = dt.datetime.combine(done_by, dt.time(12), tzinfo=dt.UTC)
    ArrivalRecord.objects.bulk_create(records)
    Stay.objects.bulk_create(stays)
    Offer.objects.bulk_create(offers)
    Milestone.objects.bulk_create(milestones)
    # Resettled through the milestones' evidence, as in the operation; then dated on the day
    # the last required milestone was done, as the other demos date their moves.
    for case_file in files:
        if case_file.resettled_on is None:
            continue
        case = case_file.case
        services.resettle_with_milestones(case=case, programme=programme)
        at = dt.datetime.combine(case_file.resettled_on, dt.time(12), tzinfo=dt.UTC)
        StatusChange.objects.filter(case=case, to_status=Status.RESETTLED).update(at=at)
        Case.objects.filter(pk=case.pk).update(status_changed_at=at)
    loaded = Loaded(households=len(files),
                    in_accommodation=sum(1 for s in stays if s.checked_out_on is None),
                    placed=len(offers),
                    resettled=sum(1 for f in files if f.resettled_on is not None))
    audit.record(actor=permissions.DEMO, action="resettlement.demo_loaded",
                 details=loaded.__dict__)
    return loaded
