"""Reads of credentials: a case's documents, the keys in force, revoked token hashes."""

from __future__ import annotations

import base64
import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.credentials import token as tk
from safepassage.credentials import verification
from safepassage.credentials.documents import (
    DocumentFacts,
    boarding_pass_pdf,
    facilitation_letter_pdf,
)
from safepassage.credentials.models import Credential, CredentialKind, KeyPurpose, SigningKey
from safepassage.registry import selectors as registry_selectors


def trusted_keys(*, now: dt.datetime | None = None) -> QuerySet[SigningKey]:
    """Token keys a verifier must trust now: the active one and retired ones not yet lapsed."""
    now = now or timezone.now()
    return SigningKey.objects.filter(purpose=KeyPurpose.TOKENS).filter(
        Q(retired_at__isnull=True) | Q(valid_until__gte=now)
    ).order_by("created_at", "pk")


def revoked_hashes() -> list[str]:
    # Revoked tokens that have expired anyway could be dropped; kept while their key is trusted.
    ids = Credential.objects.filter(revoked_at__isnull=False).values_list("token_id", flat=True)
    return sorted(tk.revocation_hash(bytes.fromhex(t)) for t in ids)


def trust_store_from_database() -> verification.TrustStore:
    """The trust store a verifier on this server uses: every token key ever made (so that a
    withdrawn key reads as EXPIRED after its time rather than UNKNOWN) and the revocations."""
    keys = [
        verification.TrustedKey(
            issuer=k.issuer, kid=bytes.fromhex(k.kid), alg=tk.ALG_BY_NAME[k.alg],
            public_key=tk.load_public_key(base64.b64decode(k.public_key)),
            valid_from=k.created_at,
            valid_until=k.valid_until or timezone.now() + dt.timedelta(days=3650),
        )
        for k in SigningKey.objects.filter(purpose=KeyPurpose.TOKENS)
    ]
    return verification.TrustStore.of(keys, revoked_hashes())


def credentials_of_case(*, actor: Actor, reference: str) -> list[Credential]:
    case = registry_selectors.get_case(actor=actor, reference=reference)
    return list(Credential.objects.filter(case=case).select_related("issued_by"))


def get_credential_for_download(*, actor: Actor, token_id: str) -> Credential:
    """A credential whose PDF the actor may download. Audited, since the PDF names people."""
    permissions.require(actor, permissions.ISSUE_CREDENTIALS)
    credential = Credential.objects.select_related("case").get(token_id=token_id)
    registry_selectors.get_case(actor=actor, reference=credential.case.reference)
    audit.record(
        actor=actor, action="credential.downloaded", object_type="case",
        object_id=credential.case.reference,
        details={"kind": credential.kind, "token_id": token_id},
    )
    return credential


def credential_pdf(*, actor: Actor, token_id: str) -> tuple[str, bytes]:
    """The printable PDF of a credential and its file name (reference and kind, never a name)."""
    credential = get_credential_for_download(actor=actor, token_id=token_id)
    sign1 = tk.decode_text(credential.token)
    claims = tk.Claims.from_cbor(sign1.payload)
    members = credential.case.household.members.order_by("pk")
    facts = DocumentFacts(
        payload=claims.payload, issuer=claims.issuer, expires_at=credential.expires_at,
        token_text=credential.token, language=credential.language,
        member_names=[(m.latin_full_name, m.name_native or (m.full_name if m.full_name
                                                              != m.latin_full_name else ""))
                      for m in members],
    )
    if credential.kind == CredentialKind.LETTER:
        return f"letter-{credential.case.reference}.pdf", facilitation_letter_pdf(facts)
    name = f"boarding-pass-{credential.case.reference}-{credential.flight_number}.pdf"
    return name, boarding_pass_pdf(facts)
