"""Checking a token offline against a trust list and a revocation list: one verdict, never a crash.

Used by `safepassage verify` and by tests; the static verifier page does the same in JavaScript.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import cbor2

from safepassage.credentials import token as tk

VALID = "VALID"
INVALID_SIGNATURE = "INVALID SIGNATURE"
UNKNOWN_KEY = "UNKNOWN KEY"
EXPIRED = "EXPIRED"
REVOKED = "REVOKED"
MALFORMED = "MALFORMED"
RESULTS = (VALID, INVALID_SIGNATURE, UNKNOWN_KEY, EXPIRED, REVOKED, MALFORMED)

# Phones at a gate keep poor time: allow this much clock difference on "issued in the future".
CLOCK_SKEW = dt.timedelta(minutes=10)
_CLOCK_SKEW_S = CLOCK_SKEW.total_seconds()


@dataclass(frozen=True)
class TrustedKey:
    issuer: str
    kid: bytes
    alg: int
    public_key: tk.PublicKey
    valid_from: dt.datetime
    valid_until: dt.datetime
    # The same two moments in seconds since the epoch, for the check run on every scan.
    valid_from_s: float = field(init=False, repr=False, compare=False)
    valid_until_s: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "valid_from_s", self.valid_from.timestamp())
        object.__setattr__(self, "valid_until_s", self.valid_until.timestamp())

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> TrustedKey:
        return cls(
            issuer=entry["issuer"], kid=bytes.fromhex(entry["kid"]),
            alg=tk.ALG_BY_NAME[entry["alg"]],
            public_key=tk.load_public_key(base64.b64decode(entry["public_key"])),
            valid_from=dt.datetime.fromisoformat(entry["valid_from"]),
            valid_until=dt.datetime.fromisoformat(entry["valid_until"]),
        )


@dataclass
class TrustStore:
    keys: dict[bytes, TrustedKey] = field(default_factory=dict)
    revoked_hashes: set[str] = field(default_factory=set)

    @classmethod
    def from_documents(
        cls, trust_list: dict[str, Any], revocation_list: dict[str, Any]
    ) -> TrustStore:
        keys = [TrustedKey.from_entry(e) for e in trust_list["keys"]]
        return cls({k.kid: k for k in keys}, set(revocation_list["revoked"]))

    @classmethod
    def of(cls, keys: Iterable[TrustedKey], revoked_hashes: Iterable[str] = ()) -> TrustStore:
        return cls({k.kid: k for k in keys}, set(revoked_hashes))


@dataclass(frozen=True)
class Verdict:
    result: str
    reason: str
    claims: tk.Claims | None = None
    kid: str = ""

    @property
    def ok(self) -> bool:
        return self.result == VALID

    @property
    def covered_names(self) -> list[str]:
        return list(self.claims.payload.given_names) if self.claims else []

    def as_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"result": self.result, "reason": self.reason, "kid": self.kid}
        if self.claims:
            p = self.claims.payload
            doc |= {
                "kind": {"L": "facilitation letter", "B": "boarding pass"}.get(p.kind, p.kind),
                "issuer": self.claims.issuer, "name": p.name, "birth_year": p.birth_year,
                "case_reference": p.case_reference, "people": p.people,
                "covered_names": p.given_names, "flight": p.flight, "departure": p.departure,
                "issued_at": _iso(self.claims.issued_at),
                "expires_at": _iso(self.claims.expires_at),
            }
        return doc


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="minutes")


def verify_credential(text: str, *, trust: TrustStore, now: dt.datetime | None = None) -> Verdict:
    """The verdict on a scanned or pasted token. Never raises on any input."""
    try:
        return _verify(text, trust, time.time() if now is None else now.timestamp())
    except Exception as exc:  # a verifier must answer, whatever it is shown
        return Verdict(MALFORMED, f"unreadable token ({type(exc).__name__})")


def _verify(text: str, trust: TrustStore, now_s: float) -> Verdict:
    try:
        sign1 = tk.decode_text(text)
    except tk.MalformedToken as exc:
        return Verdict(MALFORMED, str(exc))
    kid = sign1.kid.hex()
    key = trust.keys.get(sign1.kid)
    if key is None:
        return Verdict(UNKNOWN_KEY, f"key {kid} is not in the trust list", kid=kid)
    if key.alg != sign1.alg:
        return Verdict(INVALID_SIGNATURE, "the algorithm does not match the trusted key", kid=kid)
    if not sign1.verify(key.public_key):
        return Verdict(INVALID_SIGNATURE, "the signature does not match the content", kid=kid)
    try:
        claims = tk.Claims.from_cbor(sign1.payload)
    except tk.MalformedToken as exc:
        return Verdict(MALFORMED, f"signed, but {exc}", kid=kid)
    if claims.issuer != key.issuer:
        return Verdict(UNKNOWN_KEY, f"key {kid} does not belong to issuer {claims.issuer}",
                       claims, kid)
    # Plain seconds rather than datetimes: this runs for every scan.
    skew_s, issued = _CLOCK_SKEW_S, claims.issued_at
    until = key.valid_until_s
    if issued > now_s + skew_s:
        return Verdict(INVALID_SIGNATURE, "issued in the future: check this device's clock",
                       claims, kid)
    if not key.valid_from_s - skew_s <= issued <= until:
        return Verdict(UNKNOWN_KEY, f"key {kid} was not in force when this was issued",
                       claims, kid)
    if now_s > until:
        return Verdict(EXPIRED, f"key {kid} was withdrawn on {key.valid_until:%Y-%m-%d}",
                       claims, kid)
    if now_s > claims.expires_at:
        return Verdict(EXPIRED, f"expired on {_iso(claims.expires_at)}", claims, kid)
    if tk.revocation_hash(claims.token_id) in trust.revoked_hashes:
        return Verdict(REVOKED, "this document was revoked (replaced or withdrawn)", claims, kid)
    return Verdict(VALID, f"signed by {claims.issuer}, key {kid}", claims, kid)


class ListSignatureError(ValueError):
    """A trust list or revocation list whose signature does not check against the anchor."""


def sign_list(
    content: dict[str, Any], *, key: tk.PrivateKey, alg: int, kid: bytes
) -> dict[str, Any]:
    """A signed list file: the content as a JSON string and a COSE_Sign1 over its bytes."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    signed = tk.sign(text.encode("utf-8"), key=key, alg=alg, kid=kid)
    sign1 = tk.parse_sign1(signed, max_bytes=None)
    return {
        "format": content["format"], "content": text, "alg": tk.ALG_NAMES[alg], "kid": kid.hex(),
        "protected": base64.b64encode(sign1.protected).decode("ascii"),
        "signature": base64.b64encode(sign1.signature).decode("ascii"),
    }


def open_list(envelope: dict[str, Any], *, anchor: tk.PublicKey) -> dict[str, Any]:
    """The content of a signed list file, or ListSignatureError if the anchor did not sign it."""
    try:
        protected = base64.b64decode(envelope["protected"])
        sign1 = tk.Sign1(
            protected, tk.ALG_BY_NAME[envelope["alg"]], bytes.fromhex(envelope["kid"]),
            envelope["content"].encode("utf-8"), base64.b64decode(envelope["signature"]),
        )
        header = tk.parse_sign1(
            cbor2.dumps(cbor2.CBORTag(tk.COSE_SIGN1_TAG,
                                      [protected, {}, sign1.payload, sign1.signature])),
            max_bytes=None,
        )
    except (KeyError, ValueError, tk.MalformedToken) as exc:
        raise ListSignatureError(f"not a signed list file ({exc})") from exc
    if header.alg != sign1.alg or not sign1.verify(anchor):
        raise ListSignatureError("the list's signature does not check against the trust anchor")
    content: dict[str, Any] = json.loads(envelope["content"])
    return content


def load_store(trust_list: dict[str, Any], revocation_list: dict[str, Any], *,
               anchor: tk.PublicKey) -> TrustStore:
    """A trust store from the two signed list files, each checked against the anchor."""
    return TrustStore.from_documents(
        open_list(trust_list, anchor=anchor), open_list(revocation_list, anchor=anchor)
    )
