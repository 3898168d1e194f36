"""Signing keys (private halves encrypted at rest) and the credentials issued with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.protection.fields import EncryptedTextField


class KeyPurpose(models.TextChoices):
    TOKENS = "tokens", _("Signs facilitation letters and boarding passes")
    LISTS = "lists", _("Signs the trust list and the revocation list (trust anchor)")


class SigningKey(models.Model):
    """One key pair of an issuer. Retiring a key stops it signing; it stays trusted until
    `valid_until`, so documents it signed stay good until they expire."""

    issuer = models.CharField(max_length=32)
    purpose = models.CharField(max_length=8, choices=KeyPurpose.choices, default=KeyPurpose.TOKENS)
    kid = models.CharField(max_length=16, unique=True)  # hex of 8 bytes
    alg = models.CharField(max_length=8)  # "EdDSA" or "ES256"
    public_key = models.TextField()  # base64 of the DER SubjectPublicKeyInfo
    private_key = EncryptedTextField()  # PKCS#8 PEM, AES-GCM encrypted by protection
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)  # set on retirement
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "purpose"], condition=models.Q(retired_at__isnull=True),
                name="one_active_key_per_issuer_and_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.alg} {self.kid}"


class CredentialKind(models.TextChoices):
    LETTER = "letter", _("Facilitation letter")
    BOARDING_PASS = "boarding_pass", _("Boarding pass")


class Credential(models.Model):
    """One issued token. The token text names people, so it is encrypted like any personal data."""

    token_id = models.CharField(max_length=32, unique=True)  # hex of the CWT `cti`
    kind = models.CharField(max_length=16, choices=CredentialKind.choices)
    case = models.ForeignKey("registry.Case", on_delete=models.PROTECT, related_name="credentials")
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    flight_number = models.CharField(max_length=16, blank=True, default="")
    departure_date = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, default="")
    token = EncryptedTextField()
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.CharField(max_length=64, blank=True, default="")
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["case", "kind", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.token_id[:8]}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
