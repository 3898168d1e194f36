"""Recording a public commitment: only supervisors and administrators, always audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.dashboard.models import Commitment, Counts


def record_commitment(
    *, actor: Actor, title: str, target: int, counts: str, deadline: dt.date | None = None,
    announced_on: dt.date | None = None,
) -> Commitment:
    permissions.require(actor, permissions.MANAGE_COMMITMENTS)
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the commitment a title, as it was announced.")
    if target < 1:
        errors["target"] = _("The target is a number of people, at least 1.")
    if counts not in Counts.values:
        errors["counts"] = _("Choose what counts towards the target from the list.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        commitment = Commitment(title=title.strip(), target=target, counts=counts,
                                deadline=deadline, created_by=permissions.user_of(actor))
        if announced_on:
            commitment.announced_on = announced_on
        commitment.save()
        audit.record(actor=actor, action="commitment.recorded", object_type="commitment",
                     object_id=str(commitment.pk),
                     details={"target": target, "counts": counts})
    return commitment
