"""Circumstances for the demo population, as caseworkers would have recorded them by then.

Interpreters and former employees whom a supervisor already found eligible have had their
service verified (and some of those still under review); a few households have a medical
urgency, and some people at risk for a public role a documented threat.
"""

from __future__ import annotations

import random

from django.db import transaction

from safepassage.accounts import permissions
from safepassage.audit import services as audit
from safepassage.registry.models import Case, Category, Status
from safepassage.triage.facts import Circumstance
from safepassage.triage.models import CaseCircumstance

SERVICE = {Category.INTERPRETER, Category.FORMER_EMPLOYEE}
PUBLIC_ROLE = {Category.HUMAN_RIGHTS_DEFENDER, Category.JOURNALIST, Category.WOMAN_LEADER}
PAST_REVIEW = {Status.ELIGIBLE, Status.APPROVED, Status.MANIFESTED, Status.BOARDED,
               Status.ARRIVED, Status.RESETTLED, Status.NO_SHOW, Status.LEFT_BEHIND}


def demo_circumstances(*, seed: int = 2021) -> int:
    """Record demo circumstances on every case; returns how many were recorded."""
    rng = random.Random(seed)
    rows: list[CaseCircumstance] = []
    for pk, category, status in Case.objects.order_by("pk").values_list("pk", "category",
                                                                        "status"):
        if category in SERVICE and (status in PAST_REVIEW
                                    or (status == Status.UNDER_REVIEW and rng.random() < 0.6)):
            rows.append(CaseCircumstance(case_id=pk,
                                         code=Circumstance.PROOF_OF_SERVICE_VERIFIED))
        if rng.random() < 0.04:
            rows.append(CaseCircumstance(case_id=pk, code=Circumstance.MEDICAL_URGENCY))
        if category in PUBLIC_ROLE and rng.random() < 0.25:
            rows.append(CaseCircumstance(case_id=pk, code=Circumstance.SPECIFIC_THREAT))
    with transaction.atomic():
        CaseCircumstance.objects.bulk_create(rows, batch_size=2000)
        audit.record(actor=permissions.DEMO, action="triage.demo_circumstances",
                     details={"recorded": len(rows)})
    return len(rows)
