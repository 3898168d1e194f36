"""Demo flights and travel readiness for `make run`: Kabul, 15-31 August 2021.

Own military flights of a few hundred seats, a few a day until 26 August; then 500 seats on an
ally's plane for our evacuees only; a charter for people at risk. Every approved case gets a
readiness date (its documents verified) spread over the fortnight; one in a hundred needs a
stretcher.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db import transaction

from safepassage.accounts import permissions
from safepassage.airlift.models import Flight, Operator, TravelReadiness
from safepassage.audit import services as audit
from safepassage.registry.models import Case, Person, Status

KABUL = ZoneInfo("Asia/Kabul")
OUR_EVACUEES = ["citizen", "permanent_resident", "family_of_citizen"]
AT_RISK = ["interpreter", "former_employee", "human_rights_defender", "journalist",
           "woman_leader", "persecuted_minority"]
DESTINATIONS = ["ISB", "DOH", "TAS", "DXB"]
ASSEMBLY_POINTS = ["Abbey Gate, Kabul airport", "North Gate, Kabul airport",
                   "Baron Hotel, Kabul"]


def demo_flights(rng: random.Random) -> list[Flight]:
    flights = []
    number = 870
    for day in range(16, 27):
        for hour in rng.sample([5, 9, 13, 17, 21], k=2):
            number += 1
            flights.append(Flight(
                code=f"RCH{number}", operator=Operator.OWN, destination=rng.choice(DESTINATIONS),
                departs_at=dt.datetime(2021, 8, day, hour, 0, tzinfo=KABUL),
                seats=rng.choice([100, 120, 150, 180]),
            ))
    flights.append(Flight(
        code="ALLY500", operator=Operator.ALLY, destination="DOH",
        departs_at=dt.datetime(2021, 8, 27, 10, 0, tzinfo=KABUL), seats=500,
        allowed_categories=OUR_EVACUEES,
    ))
    flights.append(Flight(
        code="CHT001", operator=Operator.CHARTER, destination="TAS",
        departs_at=dt.datetime(2021, 8, 25, 15, 0, tzinfo=KABUL), seats=180,
        allowed_categories=AT_RISK,
    ))
    return flights


def load_demo_airlift(*, seed: int = 2021) -> tuple[int, int]:
    """Create the demo flights and readiness of approved cases; returns (flights, readiness)."""
    rng = random.Random(seed)
    with transaction.atomic():
        flights = Flight.objects.bulk_create(demo_flights(rng))
        cases = list(Case.objects.filter(status=Status.APPROVED, readiness__isnull=True)
                     .order_by("pk"))
        members: dict[int, list[int]] = defaultdict(list)
        for pk, household in Person.objects.filter(
                household_id__in=[c.household_id for c in cases]).values_list("pk",
                                                                              "household_id"):
            members[household].append(pk)
        # Every readiness fact recorded: documents checked, consent, an assembly point.
        readiness = TravelReadiness.objects.bulk_create([
            TravelReadiness(
                case=case, documents_checked=members[case.household_id], consent=True,
                assembly_point=rng.choice(ASSEMBLY_POINTS), complete=True,
                # Never before its approval: documents are checked once it is approved.
                ready_at=max(dt.datetime(2021, 8, 15, tzinfo=KABUL)
                             + dt.timedelta(days=rng.randint(0, 10)),
                             case.status_changed_at + dt.timedelta(hours=6)),
                extra_seats=2 if rng.random() < 0.01 else 0,
            )
            for case in cases
        ])
        audit.record(actor=permissions.DEMO, action="airlift.demo_loaded",
                     details={"flights": len(flights), "readiness": len(readiness)})
    return len(flights), len(readiness)
