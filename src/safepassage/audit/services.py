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


# One lane for everything a transaction audits. Two transactions that each took two lanes at
# random, in opposite orders, waited for each other (a deadlock seen between two import
# processes on PostgreSQL): holding one lane per transaction, none can wait on another while
# holding a lane it needs. The choice lives as long as a commit hook registered with it: Django
# drops pending hooks at commit and at rollback, so the next transaction chooses again.
_LANE_ATTRIBUTE = "_safepassage_audit_lane"


def _lane_of_this_transaction(*, background: bool) -> int:
    connection = transaction.get_connection()
    held = getattr(connection, _LANE_ATTRIBUTE, None)
    if held is not None and connection.in_atomic_block:
        lane_no, hook = held
        if any(pending[1] is hook for pending in connection.run_on_commit):
            return int(lane_no)
    lanes = max(1, min(settings.AUDIT_LANES, MAX_LANES))
    lane_no = BACKGROUND_LANE if background else secrets.randbelow(lanes)
    if connection.in_atomic_block:

        def forget() -> None:
            setattr(connection, _LANE_ATTRIBUTE, None)

        transaction.on_commit(forget)
        setattr(connection, _LANE_ATTRIBUTE, (lane_no, forget))
    return lane_no


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
    lane_no = _lane_of_this_transaction(background=background)
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
