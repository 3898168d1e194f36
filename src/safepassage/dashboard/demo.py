"""The end of the demo story for the dashboard: approved cases flown out 16-30 August 2021,
most of them resettled over the following year, the rest left behind on 31 August.

If the airlift demo's flights exist, households take seats on them (first flight with room that
admits their category; flights before 31 August are then departed), so seats used and wasted per
flight tell the same story; otherwise about 3,700 people are flown on unnamed flights. Only for
a demo registry where nobody has boarded yet. Statuses, history and seats are written in bulk,
as registry.demo does for the earlier stages.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count

from safepassage.airlift.models import OPEN_STATUSES, Flight, FlightStatus, Seat
from safepassage.dashboard.models import Commitment, Counts
from safepassage.registry.models import Case, Category, Status, StatusChange

KABUL = ZoneInfo("Asia/Kabul")
FLOWN_PEOPLE = 3700


def load_demo_commitments() -> int:
    """The public commitments of the demo story, unless some are recorded; returns how many."""
    if Commitment.objects.exists():
        return 0
    return len(Commitment.objects.bulk_create([
        Commitment(title="Resettle 21,000 Afghans", target=21000,
                   counts=Counts.AFGHANS_RESETTLED, announced_on=dt.date(2021, 8, 18),
                   deadline=dt.date(2023, 12, 31)),
        Commitment(title="Bring home every citizen who asks", target=400,
                   counts=Counts.CITIZENS_EVACUATED, announced_on=dt.date(2021, 8, 15),
                   deadline=dt.date(2021, 8, 31)),
    ]))


@transaction.atomic
def evacuate_demo_cases(*, seed: int = 2021, people: int = FLOWN_PEOPLE) -> int:
    """Walk approved cases through manifested, boarded, arrived (and resettled for most);
    approved cases left over are left behind on 31 August. Returns the people flown."""
    if Case.objects.filter(status__in=[Status.BOARDED, Status.ARRIVED, Status.RESETTLED]).exists():
        return 0
    rng = random.Random(seed)
    approved = list(
        Case.objects.filter(status=Status.APPROVED).annotate(n=Count("household__members"))
        .order_by("created_at", "pk")
    )
    # Citizens first, as the commitment says; then the others by order of registration.
    approved.sort(key=lambda c: (c.category != Category.CITIZEN, c.created_at))
    flights = list(Flight.objects.filter(status__in=OPEN_STATUSES).order_by("departs_at"))
    free = {f.pk: f.seats for f in flights}
    seats: list[Seat] = []
    changes: list[StatusChange] = []
    final: list[tuple[str, dt.datetime, int]] = []
    flown = 0
    for case in approved:
        boarded: dt.datetime | None = None
        if flights:  # the airlift demo's flights: first one with room that admits the case
            flight = next((f for f in flights if free[f.pk] >= case.n
                           and (not f.allowed_categories or case.category in f.allowed_categories)
                           and f.departs_at > case.status_changed_at + dt.timedelta(hours=6)),
                          None)
            if flight is not None:
                free[flight.pk] -= case.n
                boarded = flight.departs_at - dt.timedelta(hours=rng.uniform(1, 3))
                manifested = flight.departs_at - dt.timedelta(hours=rng.uniform(5, 24))
                manifested = max(manifested, case.status_changed_at + dt.timedelta(hours=1))
                seats.append(Seat(case=case, flight=flight, people=case.n, seats=case.n,
                                  notified=True, gate=Seat.Gate.BOARDED, gate_at=boarded))
        elif flown < people:
            day = dt.date(2021, 8, 16) + dt.timedelta(days=int(rng.triangular(0, 14, 6)))
            manifested = max(case.status_changed_at + dt.timedelta(hours=2),
                             dt.datetime.combine(day, dt.time(6), KABUL))
            boarded = manifested + dt.timedelta(hours=rng.uniform(3, 20))
        if boarded is not None:
            arrived = boarded + dt.timedelta(hours=9)
            steps = [(Status.APPROVED, Status.MANIFESTED, manifested),
                     (Status.MANIFESTED, Status.BOARDED, boarded),
                     (Status.BOARDED, Status.ARRIVED, arrived)]
            if case.category != Category.CITIZEN and rng.random() < 0.7:
                settled = arrived + dt.timedelta(days=rng.uniform(20, 300))
                steps.append((Status.ARRIVED, Status.RESETTLED, settled))
            flown += case.n
        else:
            steps = [(Status.APPROVED, Status.LEFT_BEHIND,
                      dt.datetime(2021, 8, 31, 0, 1, tzinfo=KABUL))]
        changes += [StatusChange(case=case, from_status=a, to_status=b, at=at,
                                 reason="demo data") for a, b, at in steps]
        final.append((steps[-1][1], steps[-1][2], case.pk))
    Seat.objects.bulk_create(seats)
    Flight.objects.filter(pk__in=[f.pk for f in flights],
                          departs_at__lt=dt.datetime(2021, 8, 31, tzinfo=KABUL)
                          ).update(status=FlightStatus.DEPARTED)
    StatusChange.objects.bulk_create(changes)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Case._meta.db_table} SET status = %s, status_changed_at = %s "  # noqa: S608
            "WHERE id = %s",
            [(status, adapt(at), pk) for status, at, pk in final],
        )
    return flown
