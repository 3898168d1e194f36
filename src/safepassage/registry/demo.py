"""Loading a synthetic population into the registry, for `make run`, the demo and the benchmarks.

Registration times are spread over 15-31 August 2021 and cases are spread along the pipeline,
each with a history that says it came from demo data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from safepassage.accounts import permissions
from safepassage.accounts.models import Organisation
from safepassage.registry.models import Case, Channel, Status, StatusChange
from safepassage.registry.services import HouseholdData, PersonData, register_households
from safepassage.synthetic.population import SyntheticHousehold, generate_population

ORGANISATION_NAMES = {
    "veterans-network": "Veterans for Afghan Allies",
    "mp-office": "Office of an MP (constituency casework)",
    "hr-ngo-frontline": "Frontline Defenders Network",
    "hr-ngo-amnesty": "Human Rights Watchers",
    "journalists-federation": "Federation of Journalists",
}
KABUL = ZoneInfo("Asia/Kabul")
SURGE_START = dt.datetime(2021, 8, 15, 6, 0, tzinfo=KABUL)

# Where demo cases stand: most are still waiting, as in August 2021.
PIPELINE: list[tuple[list[str], int]] = [
    ([Status.REGISTERED], 55),
    ([Status.REGISTERED, Status.UNDER_REVIEW], 16),
    ([Status.REGISTERED, Status.UNDER_REVIEW, Status.ELIGIBLE], 12),
    ([Status.REGISTERED, Status.UNDER_REVIEW, Status.ELIGIBLE, Status.APPROVED], 10),
    ([Status.REGISTERED, Status.UNDER_REVIEW, Status.INELIGIBLE], 3),
    ([Status.REGISTERED, Status.ON_HOLD], 2),
    ([Status.REGISTERED, Status.WITHDRAWN], 2),
]


def organisations() -> dict[str, Organisation]:
    found = {}
    for slug, name in ORGANISATION_NAMES.items():
        found[slug], _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
    return found


def person_data(household: SyntheticHousehold) -> list[PersonData]:
    return [
        PersonData(
            given_name=p.given_name,
            family_name=p.family_name,
            father_name=p.father_name,
            name_native=p.name_native,
            birth_date=p.birth_date,
            birth_date_precision="day",
            birth_date_text=p.birth_date.isoformat(),
            sex=p.sex,
            phones=[p.phone] if p.phone else [],
            email=p.email or "",
            tazkira_number=p.tazkira_number or "",
            passport_number=p.passport_number or "",
            province=p.province,
            preferred_language=p.preferred_language.lower(),
            relationship_to_head=p.relationship_to_head,
            notes=household.notes,
        )
        for p in household.members
    ]


def _surge_time(rng: random.Random) -> dt.datetime:
    # Registrations pour in during the first days, then ebb: an exponential decay over 17 days.
    hours = min(rng.expovariate(1 / 90), 16 * 24 + 17)
    return SURGE_START + dt.timedelta(hours=hours, seconds=rng.randrange(3600))


def load_demo_population(
    *, households: int, seed: int = 0, progress: Callable[[int], object] | None = None
) -> int:
    """Register `households` synthetic households; returns how many cases were created."""
    rng = random.Random(seed)
    orgs = organisations()
    population = generate_population(households=households, seed=seed)
    batch = 250
    for start in range(0, len(population), batch):
        chunk = population[start : start + batch]
        with transaction.atomic():
            for referrer in sorted({h.referrer for h in chunk}):
                mine = [h for h in chunk if h.referrer == referrer]
                cases = register_households(
                    actor=permissions.DEMO,
                    households=[
                        HouseholdData(person_data(h), h.category, registered_at=_surge_time(rng))
                        for h in mine
                    ],
                    channel=Channel.DEMO,
                    organisation=orgs.get(referrer),
                )
                _place_in_pipeline(cases, rng)
        if progress:
            progress(min(batch, len(population) - start))
    return len(population)


def _place_in_pipeline(cases: list[Case], rng: random.Random) -> None:
    """Walk some cases along the pipeline after they were registered, with their history."""
    later, moved = [], []
    for case in cases:
        steps = rng.choices([p for p, _ in PIPELINE], weights=[w for _, w in PIPELINE])[0]
        at = case.created_at
        for before, after in itertools.pairwise(steps):
            at += dt.timedelta(hours=rng.uniform(2, 48))
            later.append(StatusChange(case=case, from_status=before, to_status=after, at=at,
                                      reason="demo data"))
        if len(steps) > 1:
            moved.append((steps[-1], at, case.pk))
    StatusChange.objects.bulk_create(later)
    table = Case._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET status = %s, status_changed_at = %s WHERE id = %s",  # noqa: S608
            [(status, adapt(at), pk) for status, at, pk in moved],
        )
