"""Rotating the signing key gives a new kid; documents signed by the old key stay valid."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from safepassage.accounts.models import User
from safepassage.credentials import services
from safepassage.credentials import token as tk
from safepassage.credentials.models import SigningKey
from safepassage.credentials.selectors import trust_store_from_database
from safepassage.credentials.verification import (
    EXPIRED,
    VALID,
    ListSignatureError,
    load_store,
    verify_credential,
)
from safepassage.registry.models import Case
from tests.credentials.conftest import later

pytestmark = pytest.mark.django_db


def _kid(text: str) -> str:
    return tk.decode_text(text).kid.hex()


def _anchor(docs: services.TrustDocuments) -> tk.PublicKey:
    return tk.load_public_key(base64.b64decode(docs.anchor.public_key))


def test_a_rotated_key_still_verifies_old_tokens(
    approved_case: Case, caseworker: User, administrator: User,
    seat_on: Callable[..., tuple[str, dt.date]],
) -> None:
    old = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    new_key = services.rotate_signing_key(actor=administrator, alg="ES256")
    number, day = seat_on(approved_case, "AF1234", days=2)
    boarding = services.issue_boarding_pass(
        actor=caseworker, reference=approved_case.reference, flight_number=number,
        departure_date=day,
    )
    assert _kid(boarding.token) == new_key.kid != _kid(old.token)

    docs = services.export_trust_documents(actor=administrator)
    store = load_store(docs.trust_list, docs.revocation_list, anchor=_anchor(docs))
    assert verify_credential(old.token, trust=store).result == VALID
    assert verify_credential(boarding.token, trust=store).result == VALID
    kids = {k["kid"] for k in json.loads(docs.trust_list["content"])["keys"]}
    assert kids == {_kid(old.token), new_key.kid}


def test_a_retired_key_lapses_after_its_last_document_would_have_expired(
    approved_case: Case, caseworker: User, administrator: User
) -> None:
    old = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    services.rotate_signing_key(actor=administrator)
    retired = SigningKey.objects.get(kid=_kid(old.token))
    assert retired.valid_until is not None and retired.valid_until >= old.expires_at
    verdict = verify_credential(old.token, trust=trust_store_from_database(), now=later(days=45))
    assert verdict.result == EXPIRED


def test_only_an_administrator_rotates_keys(caseworker: User) -> None:
    with pytest.raises(PermissionDenied):
        services.rotate_signing_key(actor=caseworker)


def test_private_keys_are_encrypted_at_rest(approved_case: Case, caseworker: User) -> None:
    services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM credentials_signingkey")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(s.startswith("v1:") and "PRIVATE KEY" not in s for s in stored)
    assert "PRIVATE KEY" in SigningKey.objects.first().private_key  # type: ignore[union-attr]


def test_a_tampered_trust_list_is_refused(administrator: User) -> None:
    docs = services.export_trust_documents(actor=administrator)
    content = json.loads(docs.trust_list["content"])
    forger = tk.generate_private_key(tk.ALG_EDDSA)
    content["keys"].append({**content["keys"][0], "kid": "00" * 8,
                            "public_key": base64.b64encode(tk.public_key_der(forger)).decode()})
    tampered = {**docs.trust_list, "content": json.dumps(content)}
    with pytest.raises(ListSignatureError):
        load_store(tampered, docs.revocation_list, anchor=_anchor(docs))
