"""A genuine token verifies; every kind of bad token gets its own verdict and never an exception."""

from __future__ import annotations

import base64
import os
import zlib
from collections.abc import Callable
from typing import Any

import base45
import pytest
from django.test import override_settings

from safepassage.accounts.models import User
from safepassage.credentials import services
from safepassage.credentials import token as tk
from safepassage.credentials.selectors import trust_store_from_database
from safepassage.credentials.verification import (
    EXPIRED,
    INVALID_SIGNATURE,
    MALFORMED,
    REVOKED,
    UNKNOWN_KEY,
    VALID,
    verify_credential,
)
from safepassage.registry.models import Case
from tests.credentials.conftest import later

pytestmark = pytest.mark.django_db


def _raw(text: str) -> bytes:
    raw = base45.b45decode(text[len(tk.PREFIX):])
    return zlib.decompress(raw) if raw[:1] == b"\x78" else raw


def _text(raw: bytes) -> str:
    return tk.PREFIX + base45.b45encode(raw).decode()


@pytest.mark.parametrize("alg", ["EdDSA", "ES256"])
def test_a_genuine_letter_verifies_and_names_everyone_it_covers(
    alg: str, approved_case: Case, caseworker: User
) -> None:
    with override_settings(CREDENTIALS_ALG=alg):
        letter = services.issue_facilitation_letter(
            actor=caseworker, reference=approved_case.reference
        )
    verdict = verify_credential(letter.token, trust=trust_store_from_database())
    assert verdict.result == VALID, verdict.reason
    assert verdict.covered_names == ["Zabihullah", "Mariam", "Ahmad", "Fatima"]
    assert verdict.claims is not None
    assert verdict.claims.payload.case_reference == approved_case.reference
    assert verdict.claims.payload.people == 4
    assert verdict.claims.payload.birth_year == 1987
    assert tk.parse_sign1(_raw(letter.token)).alg == tk.ALG_BY_NAME[alg]


@pytest.mark.parametrize("alg", ["EdDSA", "ES256"])
def test_one_altered_byte_breaks_the_signature(
    alg: str, approved_case: Case, caseworker: User
) -> None:
    with override_settings(CREDENTIALS_ALG=alg):
        letter = services.issue_facilitation_letter(
            actor=caseworker, reference=approved_case.reference
        )
    raw = bytearray(_raw(letter.token))
    at = raw.index(b"Mariam")
    raw[at] = ord("K")  # a forger adds someone: "Kariam"
    verdict = verify_credential(_text(bytes(raw)), trust=trust_store_from_database())
    assert verdict.result == INVALID_SIGNATURE
    assert "signature" in verdict.reason
    assert verdict.covered_names == [], "names of a forged document must not be shown as covered"


def test_every_single_byte_change_is_caught(approved_case: Case, caseworker: User) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    raw = _raw(letter.token)
    trust = trust_store_from_database()
    for i in range(len(raw)):
        altered = bytearray(raw)
        altered[i] ^= 0x01
        verdict = verify_credential(_text(bytes(altered)), trust=trust)
        assert verdict.result != VALID, f"byte {i} changed and still VALID"


def test_a_token_signed_by_an_unknown_key_is_reported_as_such(
    approved_case: Case, caseworker: User
) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    sign1 = tk.parse_sign1(_raw(letter.token))
    forger = tk.generate_private_key(tk.ALG_EDDSA)
    forged = tk.sign(sign1.payload, key=forger, alg=tk.ALG_EDDSA,
                     kid=tk.kid_for(tk.public_key_der(forger)))
    verdict = verify_credential(_text(forged), trust=trust_store_from_database())
    assert verdict.result == UNKNOWN_KEY
    assert "not in the trust list" in verdict.reason


def test_a_forger_reusing_our_kid_with_their_own_key_fails_the_signature(
    approved_case: Case, caseworker: User
) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    sign1 = tk.parse_sign1(_raw(letter.token))
    forged = tk.sign(sign1.payload, key=tk.generate_private_key(tk.ALG_EDDSA),
                     alg=tk.ALG_EDDSA, kid=sign1.kid)
    assert verify_credential(_text(forged), trust=trust_store_from_database()).result == (
        INVALID_SIGNATURE
    )


def test_an_expired_letter_says_when_it_expired(approved_case: Case, caseworker: User) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    verdict = verify_credential(letter.token, trust=trust_store_from_database(), now=later(days=31))
    assert verdict.result == EXPIRED
    assert "expired on" in verdict.reason
    assert verdict.covered_names, "an expired document still says whom it was for"


def test_re_issuing_revokes_the_previous_letter(approved_case: Case, caseworker: User) -> None:
    first = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    second = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    trust = trust_store_from_database()
    assert verify_credential(first.token, trust=trust).result == REVOKED
    assert verify_credential(second.token, trust=trust).result == VALID


def test_a_revoked_boarding_pass_is_refused(approved_case: Case, caseworker: User,
                                            seat_on: Any) -> None:
    _number, day = seat_on(approved_case, "RCH871")
    boarding = services.issue_boarding_pass(
        actor=caseworker, reference=approved_case.reference, flight_number="RCH 871",
        departure_date=day,
    )
    services.revoke_credential(actor=caseworker, token_id=boarding.token_id, reason="no-show")
    verdict = verify_credential(boarding.token, trust=trust_store_from_database())
    assert verdict.result == REVOKED
    assert verdict.claims is not None and verdict.claims.payload.flight == "RCH871"


GARBAGE = [
    "", "   ", "hello", "SP1:", "SP1:!!!!", "SP1:A", "SP1:" + "0" * 300,
    "HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8",
    "SP1:" + base45.b45encode(b"\x78\x9c garbage").decode(),
    "SP1:" + base45.b45encode(b"\xd2\x84\x40\xa0\x40\x40").decode(),  # empty COSE_Sign1
    "SP1:" + base45.b45encode(b"\xd2\x84\x43\xa1\x01\x27\xa0\x40\x40").decode(),  # no kid
    "\x00\xff" * 50,
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_malformed_not_a_crash(text: str) -> None:
    verdict = verify_credential(text, trust=trust_store_from_database())
    assert verdict.result == MALFORMED
    assert verdict.reason


def test_random_bytes_never_raise(caseworker: User) -> None:
    trust = trust_store_from_database()
    for n in range(300):
        raw = os.urandom(n % 120 + 1)
        for text in (_text(raw), tk.PREFIX + base64.b64encode(raw).decode()):
            assert verify_credential(text, trust=trust).result != VALID


def test_a_signed_token_with_unreadable_claims_is_malformed(
    approved_case: Case, caseworker: User, make_user: Callable[..., User]
) -> None:
    key = services.active_signing_key()
    signed = tk.sign(b"\xa1\x01\x02", key=services.private_key_of(key),
                     alg=tk.ALG_BY_NAME[key.alg], kid=bytes.fromhex(key.kid))
    verdict = verify_credential(_text(signed), trust=trust_store_from_database())
    assert verdict.result == MALFORMED
    assert verdict.reason.startswith("signed, but")


def test_compression_that_does_not_pay_and_corrupt_compression_are_malformed(
    approved_case: Case, caseworker: User
) -> None:
    letter = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    squeezed = zlib.compress(_raw(letter.token), 9)
    trust = trust_store_from_database()
    # The issuer compresses only when that shortens the token (here it does not): zlib that
    # does not pay is not as issued (a compressed genuine token is in tests/credentials/corpus).
    assert len(squeezed) >= len(_raw(letter.token))
    not_as_issued = verify_credential(_text(squeezed), trust=trust)
    assert not_as_issued.result == MALFORMED and "not as issued" in not_as_issued.reason
    corrupt = verify_credential(_text(squeezed[:-4] + b"\x00\x00\x00\x00"), trust=trust)
    assert corrupt.result == MALFORMED and "compressed" in corrupt.reason
