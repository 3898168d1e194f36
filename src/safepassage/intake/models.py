"""What intake keeps: every submission as received, partners' ids for the people they referred,
API tokens, idempotency records, spreadsheet imports with their quarantined rows, and the
status-page secret of each case.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.protection.fields import EncryptedJSONField, EncryptedTextField
from safepassage.registry.models import Channel


def keyed_digest(secret: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a random secret (token or status secret) under the site key.

    The secrets we hash are 60+ random bits drawn by us, not passwords a person chose, so one
    keyed hash resists guessing; a slow password hash would only cost throughput.
    """
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}\x00{secret}".encode(), hashlib.sha256).hexdigest()


class Outcome(models.TextChoices):
    RECEIVED = "received", _("Received, not yet processed")
    REGISTERED = "registered", _("Registered")
    UNCHANGED = "unchanged", _("Already registered")
    PARTLY = "partly", _("Partly registered")
    REJECTED = "rejected", _("Rejected with reasons")
    BOT_SUSPECTED = "bot_suspected", _("Held as a suspected robot")
    REPLAYED = "replayed", _("Answered from an earlier identical request")
    RESENT = "resent", _("The same form sent again (reload, double click)")


class RawSubmission(models.Model):
    """One submission exactly as received, written and committed before anything else."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content_type = models.CharField(max_length=120, blank=True, default="")
    # "utf-8": payload is the text as received; "base64": bytes that were not UTF-8 (a
    # spreadsheet file, a mangled body), base64-encoded so that not one byte is altered.
    encoding = models.CharField(max_length=8, default="utf-8")
    payload = EncryptedTextField()
    filename = EncryptedTextField(blank=True, default="")
    idempotency_key = models.CharField(max_length=200, blank=True, default="")
    outcome = models.CharField(
        max_length=16, choices=Outcome.choices, default=Outcome.RECEIVED, db_index=True
    )
    # Counts, references and error codes only: no personal values.
    outcome_detail = models.JSONField(default=dict, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Accepted to be registered by the worker (decision 0092): its id in the status URL, the
    # account it registers as, what the worker needs beyond the raw body (the public form's
    # checked values, pre-drawn reference and status-secret digest; an API body is read again
    # from the payload), and the answer of each household once the worker has registered it.
    public_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    acting_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    work = EncryptedJSONField(null=True, blank=True)
    answer = EncryptedJSONField(null=True, blank=True)
    reference = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        constraints = [
            # The same Idempotency-Key is accepted once per organisation, whatever races.
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"], name="accepted_key_once",
                condition=Q(public_id__isnull=False) & ~Q(idempotency_key="")),
            models.UniqueConstraint(fields=["reference"], name="accepted_reference_once",
                                    condition=~Q(reference="")),
        ]
        indexes = [
            # What the worker claims: accepted, not yet registered, oldest first.
            models.Index(fields=["id"], name="submission_to_register",
                         condition=Q(public_id__isnull=False, outcome="received")),
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.channel})"


class ExternalReference(models.Model):
    """A partner's own id for a person it referred: makes re-sending the same person a no-op."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="external_references"
    )
    external_id = models.CharField(max_length=100)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="external_references"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="external_id_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.external_id}"


class RowFingerprint(models.Model):
    """A keyed digest of an imported row without external_id, so re-importing it is a no-op."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    digest = models.CharField(max_length=64)
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "digest"], name="row_once_per_org")
        ]


class ApiToken(models.Model):
    """A partner organisation's API token. Only its keyed digest is stored."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="api_tokens"
    )
    # The partner account the token acts as: its role decides what the token may do.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class IdempotencyRecord(models.Model):
    """The first answer to a request sent with an Idempotency-Key, returned to every retry."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = EncryptedJSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_key_once")
        ]


class ImportBatch(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        MAPPING = "mapping", _("Waiting for its column mapping")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    submission = models.OneToOneField(RawSubmission, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    unknown_columns = models.JSONField(default=list, blank=True)
    rows_per_chunk = models.PositiveIntegerField(default=0)  # fixed by the first attempt
    # The column mapping the file is read with (column_mapping.ColumnMapping.as_dict()); empty:
    # our own column names only.
    mapping = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def summary(self) -> dict[str, object]:
        return {
            "batch": self.pk, "imported": self.imported, "quarantined": self.quarantined,
            "unchanged": self.unchanged, "rows": self.total_rows,
            "unknown_columns": self.unknown_columns, "warnings": self.warnings.count(),
        }


class SavedColumnMapping(models.Model):
    """How an organisation's spreadsheets with one header row are read (decision 0100): saved
    from the import page (audited) and used again for the next file with the same headers."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    headers_digest = models.CharField(max_length=64)  # column_mapping.headers_digest
    headers = models.JSONField(default=list)  # as written in the file the mapping was made for
    mapping = models.JSONField(default=dict)  # ColumnMapping.as_dict()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "headers_digest"],
                                               name="intake_one_mapping_per_header_row")]


class ImportChunk(models.Model):
    """A chunk of a batch (whole households, settings.INTAKE_IMPORT_ROWS_PER_TRANSACTION rows)
    committed with its rows: an import taken up again after its worker died skips these, so no
    row is imported, counted or quarantined twice."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "number"],
                                               name="import_chunk_once")]


class QuarantinedRow(models.Model):
    """A row that was not imported, with each problem: field, what was wrong, how to fix it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="quarantine")
    row_number = models.PositiveIntegerField()  # as a spreadsheet shows it: the header is row 1
    values = EncryptedJSONField()  # the row as read, column by column
    problems = EncryptedJSONField()  # [{field, code, message, hint}]

    class Meta:
        ordering = ["row_number"]


class ImportWarning(models.Model):
    """Something said back about a row that was imported (an unknown relationship word read as
    "other relative", a misspelling read as the nearest word): it never held the row."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="warnings")
    row_number = models.PositiveIntegerField()  # as a spreadsheet shows it: the header is row 1
    warning = EncryptedJSONField()  # {field, code, message, hint}: the message quotes the row

    class Meta:
        ordering = ["row_number", "pk"]


class StatusSecret(models.Model):
    """The keyed digest of the secret that lets a registrant see their case's status."""

    case = models.OneToOneField("registry.Case", on_delete=models.CASCADE,
                                related_name="status_secret")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class FormToken(models.Model):
    """The one-time token of a public form that registered a household (decision 0080).

    A form sent again with the same token (a reload, a double click, a replayed bot-check
    token) registers no one: it is answered with this registration. The secret is kept,
    encrypted, only as long as the page that shows it may be reloaded, then blanked.
    """

    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    case = models.ForeignKey("registry.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    people = models.PositiveSmallIntegerField(default=0)
    # The reference drawn when the form was accepted: shown at once, the case's once registered.
    reference = models.CharField(max_length=16, blank=True, default="")
    secret = EncryptedTextField(blank=True, default="")
    secret_until = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"Form token {self.pk}"
