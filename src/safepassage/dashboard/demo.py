"""The end of the demo story for the dashboard: approved cases flown out 16-30 August 2021
(about 3,700 people), most of them resettled over the following year, the rest left behind.

Only for a demo registry where nobody has boarded yet (the airlift app's own demo, when it
runs first, tells this part with real flights). Statuses and history are written in bulk, as
registry.demo does for the earlier stages.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count

from safepassage.registry.models import Case, Category, Status, StatusChange

KABUL = ZoneInfo("Asia/Kabul")
FLOWN_PEOPLE = 3700
LAST_FLIGHT = dt.date(2021, 8, 30)


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
    changes: list[StatusChange] = []
    final: list[tuple[str, dt.datetime, int]] = []
    flown = 0
    for case in approved:
        if flown < people:
            day = dt.date(2021, 8, 16) + dt.timedelta(days=int(rng.triangular(0, 14, 6)))
            manifested = max(case.status_changed_at + dt.timedelta(hours=2),
                             dt.datetime.combine(day, dt.time(6), KABUL))
            boarded = manifested + dt.timedelta(hours=rng.uniform(3, 20))
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
    StatusChange.objects.bulk_create(changes)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Case._meta.db_table} SET status = %s, status_changed_at = %s "  # noqa: S608
            "WHERE id = %s",
            [(status, adapt(at), pk) for status, at, pk in final],
        )
    return flown
