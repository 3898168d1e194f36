"""The facts a rule can test: circumstances a caseworker records, and facts derived from data.

Circumstances are the things the registry does not know by itself (a verified proof of service,
a medical urgency); derived facts are computed at scoring time from the household's birth dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

ADULT_AGE = 18
ELDERLY_AGE = 65


class Circumstance(models.TextChoices):
    PROOF_OF_SERVICE_VERIFIED = "proof_of_service_verified", _("Proof of service verified")
    MEDICAL_URGENCY = "medical_urgency", _("Medical urgency")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("Unaccompanied minor")
    SPECIFIC_THREAT = "specific_threat", _("Specific threat documented")
    PUBLIC_PROFILE = "public_profile", _("Public profile (media, office, activism)")
    DISABILITY = "disability", _("Disability needing assistance")
    SECURITY_VETTING_FAILED = "security_vetting_failed", _("Security vetting failed")


class DerivedFact(models.TextChoices):
    MINOR_IN_HOUSEHOLD = "minor_in_household", _("A member may be under 18")
    ALL_MEMBERS_MINORS = "all_members_minors", _("Every member may be under 18")
    ELDERLY_IN_HOUSEHOLD = "elderly_in_household", _("A member is 65 or older")


FACT_LABELS: dict[str, Any] = {**dict(Circumstance.choices), **dict(DerivedFact.choices)}
AGE_FACTS = frozenset(DerivedFact.values)


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_facts(birth_ranges: Iterable[tuple[dt.date | None, dt.date | None]], *,
              on: dt.date) -> set[str]:
    """Derived facts of one household from its members' (earliest, latest) birth dates.

    Ages are taken at the latest possible birth date (a year-only date of birth spans a year):
    a member who may still be under 18 counts as a minor, for protection errs towards the child;
    a member counts as elderly only when every possible date makes them 65 or older. A member
    without a birth date counts as neither.
    """
    facts: set[str] = set()
    members = minors = 0
    for earliest, latest in birth_ranges:
        members += 1
        born = latest or earliest
        if born is None:
            continue
        age = _age_on(born, on)
        if age < ADULT_AGE:
            minors += 1
        elif age >= ELDERLY_AGE:
            facts.add(DerivedFact.ELDERLY_IN_HOUSEHOLD)
    if minors:
        facts.add(DerivedFact.MINOR_IN_HOUSEHOLD)
        if minors == members:
            facts.add(DerivedFact.ALL_MEMBERS_MINORS)
    return facts
