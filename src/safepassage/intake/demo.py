"""Families registered twice, for the demo: as in August 2021, a household registered by one
organisation is registered again by another, written differently (other Latin spellings, a
Solar Hijri date, a phone in another format, fields left out), so that `make run` shows the
duplicate checks and the review queue at work.

The re-registrations go through intake's normalisation, as a partner's spreadsheet rows would,
and are registered a few hours to days after the first registration."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from safepassage.accounts import permissions
from safepassage.audit.models import AuditEntry
from safepassage.intake.records import normalise_person
from safepassage.registry.demo import SURGE_START, organisations
from safepassage.registry.models import Channel
from safepassage.registry.services import HouseholdData, register_households
from safepassage.synthetic.population import ALL_REFERRERS, generate_population
from safepassage.synthetic.registrations import render_registration

# About one household in twelve is registered a second time in the demo.
SHARE = 1 / 12
# A member of the household is left out of the second registration with this probability.
MEMBER_LEFT_OUT = 0.2
# What the audit entry of each such registration says, and how a later run knows they exist.
MARK = "registered a second time"


def load_demo_reregistrations(*, households: int, seed: int) -> int:
    """Register again a share of the demo population (the same `households` and `seed` as
    `demo-data`), each by another organisation. Returns how many registrations were added."""
    rng = random.Random(seed * 31 + 7)
    orgs = organisations()
    added: list[HouseholdData] = []
    referrers: list[str] = []
    for household in generate_population(households=households, seed=seed):
        if rng.random() >= SHARE:
            continue
        members = [m for i, m in enumerate(household.members)
                   if i == 0 or rng.random() >= MEMBER_LEFT_OUT]
        people = []
        for i, row in enumerate(render_registration(rng, members)):
            normalised = normalise_person(row, is_first=i == 0)
            if normalised.data is not None:
                people.append(normalised.data)
        if not people:
            continue
        referrer = rng.choice([r for r in ALL_REFERRERS if r != household.referrer])
        received = SURGE_START + dt.timedelta(hours=rng.uniform(24, 16 * 24))
        added.append(HouseholdData(people, household.category, registered_at=received,
                                   audit_details={"demo": MARK}))
        referrers.append(referrer)
    with transaction.atomic():
        for referrer in sorted(set(referrers)):
            register_households(
                actor=permissions.DEMO, channel=Channel.DEMO, organisation=orgs.get(referrer),
                households=[h for h, r in zip(added, referrers, strict=True) if r == referrer],
            )
    return len(added)


def reregistrations_loaded() -> bool:
    return AuditEntry.objects.filter(action="case.registered",
                                     details__demo=MARK).exists()
