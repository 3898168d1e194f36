"""Linkage data kept beside the registry: each person's comparison features and blocking keys,
the trained models, the clusters of a run, the pairs proposed, and the merges with their undo.

Registry rows are never changed or deleted by a merge: a merge is a row here (and a withdrawn
duplicate case, through registry.services), so every merge can be undone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.protection.fields import EncryptedJSONField
from safepassage.registry.models import Person


class PersonFeatures(models.Model):
    """The comparison features of one person (name keys, date range, phone, documents),
    computed at intake. Encrypted: name keys and phones identify a person as much as names do."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="linkage_features"
    )
    data = EncryptedJSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)


class BlockKey(models.Model):
    """A keyed blind index of one blocking key of a person (the same keys as Splink's blocking
    rules), so the instant check finds candidates on encrypted data with an index look-up."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["digest"])]


class PendingCheck(models.Model):
    """A registration whose people await the instant duplicate check. Written in the
    registration's transaction, so a crash loses no check; the row goes when the check is done,
    or when a full linkage run has compared everyone."""

    household = models.OneToOneField(
        "registry.Household", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)


class LinkageModel(models.Model):
    """A trained Splink model (settings with m and u probabilities; no personal data)."""

    version = models.CharField(max_length=40)
    backend = models.CharField(max_length=10, default="duckdb")
    records = models.PositiveIntegerField(default=0)
    splink_model = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} #{self.pk}"


class LinkageRun(models.Model):
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    auto_merged = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    created_by = models.CharField(max_length=150, blank=True, default="")


class PersonCluster(models.Model):
    """Which person (cluster) a registered person belongs to after the latest decisions.
    The cluster id is the lowest person id in the cluster."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="linkage_cluster"
    )
    cluster_id = models.BigIntegerField(db_index=True)


class PairStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    AUTO_MERGED = "auto_merged", _("Merged automatically")
    CONFIRMED = "confirmed", _("Confirmed: same person")
    REJECTED = "rejected", _("Rejected: different people")
    UNDONE = "undone", _("Merge undone: different people")


# A decided "not the same person" is remembered: such a pair is never proposed or merged again.
APART = (PairStatus.REJECTED, PairStatus.UNDONE)
TOGETHER = (PairStatus.AUTO_MERGED, PairStatus.CONFIRMED)


class CandidatePair(models.Model):
    """Two registered persons who may be one: proposed by a run or by the instant check."""

    class Source(models.TextChoices):
        RUN = "run", _("Linkage run")
        INTAKE = "intake", _("Check at registration")

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    # Per compared field: its level ("same key", "imprecise date compatible") and weight.
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=12, choices=PairStatus.choices, default=PairStatus.PENDING, db_index=True
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.RUN)
    # What a decision changes (engine.with_queue): how uncertain the pair is times the records
    # whose person it decides. The queue is read highest first.
    priority = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="pair_once"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")), name="pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-match_probability"])]

    def __str__(self) -> str:
        return f"Pair {self.pk}"


class Merge(models.Model):
    """One merge of a pair, and its undo. The duplicate case withdrawn by the merge (if the whole
    household was registered already) is kept here with its status before, to be restored."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.PROTECT, related_name="merges")
    automatic = models.BooleanField(default=False)
    withdrawn_case = models.ForeignKey(
        "registry.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_from_status = models.CharField(max_length=16, blank=True, default="")
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
