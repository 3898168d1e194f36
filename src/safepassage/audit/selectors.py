"""Reading and checking the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

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
