"""The end of the demo story for the dashboard: approved cases flown out 16-30 August 2021 on
the airlift demo's flights, the rest left behind on 31 August.

Every seat, gate mark and landing is made through the airlift's services, so the manifested,
boarded and arrived figures are those of the flights (decision 0072). Resettlement is left to
the resettlement app's milestones.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Sum

from safepassage.accounts import permissions
from safepassage.airlift import services as airlift
from safepassage.airlift.models import OPEN_STATUSES, Flight, FlightStatus, Seat
from safepassage.dashboard.models import Commitment, Counts
from safepassage.registry.models import Case, Status, StatusChange
from safepassage.registry.services import change_case_status

KABUL = ZoneInfo("Asia/Kabul")
LAST_DAY = dt.datetime(2021, 8, 31, tzinfo=KABUL)
FLIGHT_TIME = dt.timedelta(hours=4)
NO_SHOW_RATE = 0.03


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


def evacuate_demo_cases(*, seed: int = 2021, time_limit: float = 20.0) -> int:
    """Fly out the approved, ready demo households through the airlift's own services (decision
    0072): the plan seats them, each flight boards at its gate (a few households do not show),
    departs and lands, and its boarded households arrive with it. Approved cases never seated,
    and the no-shows, are left behind on 31 August. Only if nobody has boarded yet and demo
    flights exist; returns the people flown.

    Statuses are earned as in the operation; only their times are set afterwards to the demo's
    August 2021 (the history, the seats' gate times, the landings), so the charts tell the
    story on its dates.
    """
    if Case.objects.filter(status__in=[Status.BOARDED, Status.ARRIVED, Status.RESETTLED]).exists():
        return 0
    if not Flight.objects.filter(status__in=OPEN_STATUSES).exists():
        return 0
    rng = random.Random(seed)
    actor = permissions.DEMO_AIRLIFT
    with transaction.atomic():
        airlift.plan_manifests(actor=actor, time_limit=time_limit)
        flights = list(Flight.objects.filter(status__in=OPEN_STATUSES,
                                             departs_at__lt=LAST_DAY).order_by("departs_at"))
        for flight in flights:
            airlift.set_flight_status(actor=actor, flight=flight, status=FlightStatus.BOARDING)
            for seat in Seat.objects.filter(flight=flight).select_related("case", "flight"):
                event = Seat.Gate.NO_SHOW if rng.random() < NO_SHOW_RATE else Seat.Gate.BOARDED
                airlift.record_gate(actor=actor, seat=seat, event=event)
            airlift.set_flight_status(actor=actor, flight=flight, status=FlightStatus.DEPARTED)
            airlift.record_landing(actor=actor, flight=flight,
                                   landed_at=flight.departs_at + FLIGHT_TIME)
        for case in Case.objects.filter(status__in=[Status.APPROVED, Status.NO_SHOW]):
            change_case_status(actor=actor, case=case, to_status=Status.LEFT_BEHIND,
                               reason="Not flown before the last flight (demo).")
        _on_the_demo_dates(rng)
    return int(Seat.objects.filter(gate=Seat.Gate.BOARDED).aggregate(n=Sum("people"))["n"] or 0)


def _on_the_demo_dates(rng: random.Random) -> None:
    """Move the times of the moves just made to August 2021: manifested some hours before the
    flight, boarded just before it left, arrived when it landed, left behind on 31 August."""
    seats = {s.case_id: s for s in Seat.objects.select_related("flight")
             .filter(flight__departs_at__lt=LAST_DAY)}
    recent = StatusChange.objects.filter(
        to_status__in=[Status.MANIFESTED, Status.BOARDED, Status.NO_SHOW, Status.ARRIVED,
                       Status.LEFT_BEHIND, Status.APPROVED],
        case__status__in=[Status.ARRIVED, Status.LEFT_BEHIND, Status.BOARDED],
        at__gte=LAST_DAY)
    changes, cases, gates = [], {}, []
    decided = dict(StatusChange.objects.filter(to_status=Status.APPROVED, at__lt=LAST_DAY)
                   .values_list("case_id", "at"))
    for change in recent.order_by("pk"):
        seat = seats.get(change.case_id)
        if change.to_status == Status.LEFT_BEHIND or seat is None:
            change.at = dt.datetime(2021, 8, 31, 0, 1, tzinfo=KABUL)
        else:
            leaves = seat.flight.departs_at
            times: dict[str, dt.datetime] = {
                Status.MANIFESTED: max(leaves - dt.timedelta(hours=rng.uniform(5, 24)),
                                       decided.get(change.case_id, leaves)
                                       + dt.timedelta(hours=1)),
                Status.BOARDED: leaves - dt.timedelta(hours=rng.uniform(1, 3)),
                Status.NO_SHOW: leaves - dt.timedelta(minutes=30),
                Status.ARRIVED: leaves + FLIGHT_TIME,
            }
            change.at = times.get(change.to_status, change.at)
            change.at = min(change.at, leaves + FLIGHT_TIME)
            if change.to_status in (Status.BOARDED, Status.NO_SHOW):
                seat.gate_at = change.at
                gates.append(seat)
        changes.append(change)
        cases[change.case_id] = change.at
    StatusChange.objects.bulk_update(changes, ["at"], batch_size=500)
    Seat.objects.bulk_update(gates, ["gate_at"], batch_size=500)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Case._meta.db_table} SET status_changed_at = %s WHERE id = %s",  # noqa: S608
            [(adapt(at), pk) for pk, at in cases.items()],
        )
