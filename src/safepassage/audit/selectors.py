"""Reading and checking the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit.models import GENESIS_HASH, AuditEntry, AuditLane


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    lane: int
    seq: int
    problem: str

    def __str__(self) -> str:
        where = f"entry #{self.entry_id}" if self.entry_id is not None else "end of lane"
        return f"{where} (lane {self.lane}, position {self.seq}): {self.problem}"


def verify_chain() -> list[ChainBreak]:
    """Walk every lane and return the first break in each (empty when the trail is intact)."""
    breaks: list[ChainBreak] = []
    heads = {lane.lane: lane for lane in AuditLane.objects.all()}
    for lane_no, head in sorted(heads.items()):
        entries = AuditEntry.objects.filter(lane=lane_no).order_by("seq").iterator(chunk_size=2000)
        problem = _first_break(lane_no, entries, head)
        if problem:
            breaks.append(problem)
    return breaks


def _first_break(lane_no: int, entries: Iterable[AuditEntry], head: AuditLane) -> ChainBreak | None:
    expected_seq, prev = 1, GENESIS_HASH
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainBreak(
                entry.pk, lane_no, entry.seq,
                f"expected position {expected_seq}: an entry before it was deleted",
            )
        if entry.prev_hash != prev:
            return ChainBreak(
                entry.pk, lane_no, entry.seq,
                "does not follow the entry before it: inserted or reordered",
            )
        if entry.compute_hash() != entry.hash:
            return ChainBreak(entry.pk, lane_no, entry.seq, "content altered after it was written")
        expected_seq, prev = expected_seq + 1, entry.hash
    if head.seq != expected_seq - 1 or head.head_hash != prev:
        return ChainBreak(None, lane_no, head.seq, "the last entries of the lane were deleted")
    return None


def entries_about(*, targets: list[tuple[str, str]]) -> QuerySet[AuditEntry]:
    from django.db.models import Q

    query = Q(pk__in=[])
    for object_type, object_id in targets:
        query |= Q(object_type=object_type, object_id=object_id)
    return AuditEntry.objects.filter(query).order_by("-at")


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor looks for; every part optional. `case` is a case reference: its own
    entries and those of its objects that name it (documents, gate marks, corrections)."""

    actor: str = ""
    case: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def as_details(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v}


def search_entries(*, actor: Actor, filters: AuditFilter) -> QuerySet[AuditEntry]:
    """The entries an auditor asked for, newest first. Reading the trail is itself audited
    (the caller records the read once per page or export, see `record_audit_read`)."""
    permissions.require(actor, permissions.READ_AUDIT)
    entries = AuditEntry.objects.all()
    if filters.actor:
        entries = entries.filter(actor__icontains=filters.actor.strip())
    if filters.case:
        reference = filters.case.strip().upper()
        entries = entries.filter(Q(object_id=reference) | Q(details__case=reference))
    if filters.action:
        entries = entries.filter(action__startswith=filters.action.strip())
    # Whole days in the site's time zone, as ranges on the indexed column.
    if filters.since:
        entries = entries.filter(at__gte=_start_of(filters.since))
    if filters.until:
        entries = entries.filter(at__lt=_start_of(filters.until + dt.timedelta(days=1)))
    return entries.order_by("-at", "-pk")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def actions_recorded(*, actor: Actor) -> list[str]:
    """The kinds of action in the trail, for the auditor's filter."""
    permissions.require(actor, permissions.READ_AUDIT)
    return sorted(AuditEntry.objects.values_list("action", flat=True).distinct())


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    lanes: int
    breaks: list[ChainBreak]
    at: dt.datetime

    @property
    def intact(self) -> bool:
        return not self.breaks


def check_chain(*, actor: Actor) -> ChainCheck:
    """Every lane walked from its first entry: what `safepassage verify-audit` reports."""
    permissions.require(actor, permissions.READ_AUDIT)
    return ChainCheck(entries=AuditEntry.objects.count(), lanes=AuditLane.objects.count(),
                      breaks=verify_chain(), at=dt.datetime.now(dt.UTC))
