"""Appending to the audit trail. Call inside the transaction of the change being audited."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit.models import MAX_LANES, AuditEntry, AuditLane
from safepassage.bulk import create_objects


def _actor_fields(actor: Actor) -> tuple[int | None, str]:
    """Who, as the chain keeps it: a user's id and name, or a system actor's name alone."""
    user = permissions.user_of(actor)
    return (user.pk if user else None), permissions.actor_name(actor)


# The lane of work done beside the requests at a lower CPU priority (the duplicate checker):
# a niced process holding the head of a lane it shared with registrations, starved of CPU by
# them, would make them wait for it (priority inversion). Registrations never use this lane.
BACKGROUND_LANE = MAX_LANES


def record_many(
    *, actor: Actor, events: list[dict[str, Any]], background: bool = False,
) -> list[AuditEntry]:
    """Append several entries in one go on one lane: one lock for a whole batch of changes.

    Each event has `action`, and optionally `object_type`, `object_id` and `details`. Work
    running beside the requests at a lower priority says `background`: it has a lane of its own.
    """
    actor_id, actor_name = _actor_fields(actor)
    if not events:
        return []
    lanes = max(1, min(settings.AUDIT_LANES, MAX_LANES))
    lane_no = BACKGROUND_LANE if background else secrets.randbelow(lanes)
    # No savepoint: an entry that cannot be written must undo the change it audits, never be
    # caught and skipped. The lane's row exists from its first use on: one locking read.
    with transaction.atomic(savepoint=False):
        lane = AuditLane.objects.select_for_update().filter(lane=lane_no).first()
        if lane is None:
            AuditLane.objects.get_or_create(lane=lane_no)
            lane = AuditLane.objects.select_for_update().get(lane=lane_no)
        seq, prev = lane.seq, lane.head_hash
        now = dt.datetime.now(dt.UTC)
        entries = []
        for event in events:
            seq += 1
            entry = AuditEntry(
                lane=lane_no, seq=seq, at=now, actor_id=actor_id, actor=actor_name,
                action=event["action"], object_type=event.get("object_type", ""),
                object_id=str(event.get("object_id", "")), details=event.get("details") or {},
                prev_hash=prev,
            )
            entry.hash = prev = entry.compute_hash()
            entries.append(entry)
        create_objects(entries)
        AuditLane.objects.filter(lane=lane_no).update(seq=seq, head_hash=prev)
    return entries


def record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: Any = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `details` must name fields and codes, never personal values."""
    return record_many(
        actor=actor,
        events=[{"action": action, "object_type": object_type, "object_id": object_id,
                 "details": details}],
    )[0]
