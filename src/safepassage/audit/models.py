"""Audit entries in hash chains: each entry carries the hash of the one before it on its lane.

Several lanes run side by side so concurrent writers do not queue on one chain head; each lane is
a complete chain, checked on its own by `safepassage verify-audit`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models

MAX_LANES = 64
GENESIS_HASH = "0" * 64


class AuditLane(models.Model):
    lane = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS_HASH)


class AuditEntry(models.Model):
    lane = models.PositiveSmallIntegerField()
    seq = models.BigIntegerField()
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lane", "seq"], name="audit_lane_seq")]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def compute_hash(self) -> str:
        return entry_hash(
            lane=self.lane,
            seq=self.seq,
            at=self.at.isoformat(timespec="microseconds"),
            actor_id=self.actor_id,
            actor=self.actor,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            details=self.details,
            prev_hash=self.prev_hash,
        )


def entry_hash(**fields: Any) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
