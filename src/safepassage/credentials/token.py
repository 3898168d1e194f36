"""The signed token: CBOR claims in a COSE_Sign1, zlib when it pays, base45, and the "SP1:" prefix.

Pure functions with no database, shared by the issuing service, the command-line verifier and the
benchmark. The design is the EU Digital COVID Certificate's (CWT claims, kid in the protected
header), with Ed25519 added beside ES256; COSE_Sign1 is built directly with cbor2 and
cryptography because the maintained COSE library does not work with cbor2 6.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zlib
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from safepassage.credentials import base45

PREFIX = "SP1:"
COSE_SIGN1_TAG = 18
ZLIB_FIRST_BYTE = 0x78  # a COSE_Sign1 starts with 0xD2 (tag 18) or 0x84 (array): never confused
# The largest token the product can issue, and so the most a verifier reads or inflates: a QR
# code holds at most 4,296 alphanumeric characters (2,864 bytes in base45), and encode() refuses
# to sign anything larger than this. The offline page gets the same figures (verifier_page).
MAX_TOKEN_BYTES = 4096
MAX_TOKEN_TEXT = len(PREFIX) + (MAX_TOKEN_BYTES + 1) // 2 * 3

# COSE algorithm identifiers (RFC 9053) and header labels.
ALG_ES256 = -7
ALG_EDDSA = -8
ALG_NAMES = {ALG_ES256: "ES256", ALG_EDDSA: "EdDSA"}
ALG_BY_NAME = {"ES256": ALG_ES256, "EdDSA": ALG_EDDSA, "Ed25519": ALG_EDDSA}
HEADER_ALG = 1
HEADER_KID = 4

# CWT claim keys (RFC 8392) and our private claim holding the payload.
CLAIM_ISS = 1
CLAIM_EXP = 4
CLAIM_IAT = 6
CLAIM_CTI = 7
CLAIM_PAYLOAD = -70001

KIND_LETTER = "L"
KIND_BOARDING_PASS = "B"  # noqa: S105 (a document kind, not a password)


class MalformedToken(ValueError):
    """The text is not a SafePassage token: wrong prefix, base45, zlib, CBOR or structure."""


_MAP_TYPES = (dict, cbor2.frozendict)  # cbor2 6 decodes maps inside a tag as frozendict


def _is_map(value: Any) -> bool:
    return isinstance(value, _MAP_TYPES)


def _loads_exactly(raw: bytes, what: str) -> Any:
    """One CBOR item that is all of `raw`: cbor2.loads alone ignores bytes after the item."""
    stream = io.BytesIO(raw)
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except Exception as exc:  # cbor2 raises several types on garbage
        raise MalformedToken(f"{what} is not CBOR ({exc})") from exc
    if stream.tell() != len(raw):
        raise MalformedToken(f"{len(raw) - stream.tell()} bytes after {what}")
    return value


@dataclass(frozen=True)
class Payload:
    """What a gate agent needs to match a document to the people in front of them, no more."""

    kind: str  # KIND_LETTER or KIND_BOARDING_PASS
    name: str  # the head of household's name in Latin script
    birth_year: int | None
    case_reference: str
    people: int
    given_names: list[str]
    flight: str = ""
    departure: str = ""  # ISO date of the flight, boarding passes only

    def to_cbor_map(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "t": self.kind, "n": self.name, "r": self.case_reference, "c": self.people,
            "g": self.given_names,
        }
        if self.birth_year is not None:
            doc["y"] = self.birth_year
        if self.flight:
            doc["f"] = self.flight
            doc["d"] = self.departure
        return doc

    @classmethod
    def from_cbor_map(cls, doc: Any) -> Payload:
        if not _is_map(doc):
            raise MalformedToken("the payload is not a map")
        try:
            given = doc.get("g", ())
            if type(given) is not list and type(given) is not tuple:
                raise MalformedToken("the given names are not a list")
            "".join(given)  # raises TypeError unless every name is text, at C speed
            year = doc.get("y")
            if year is not None and type(year) is not int:
                raise MalformedToken("the birth year is not a number")
            # Positional, in field order: this runs for every scan.
            return cls(
                str(doc["t"]), str(doc["n"]), year, str(doc["r"]), int(doc["c"]), list(given),
                str(doc.get("f", "")), str(doc.get("d", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MalformedToken(f"the payload lacks a field or has a wrong type ({exc})") from exc


@dataclass(frozen=True)
class Claims:
    issuer: str
    issued_at: int  # seconds since the epoch, UTC
    expires_at: int
    token_id: bytes
    payload: Payload

    def to_cbor(self) -> bytes:
        return cbor2.dumps({
            CLAIM_ISS: self.issuer, CLAIM_IAT: self.issued_at, CLAIM_EXP: self.expires_at,
            CLAIM_CTI: self.token_id, CLAIM_PAYLOAD: self.payload.to_cbor_map(),
        })

    @classmethod
    def from_cbor(cls, raw: bytes) -> Claims:
        doc = _loads_exactly(raw, "the claims")
        if not _is_map(doc):
            raise MalformedToken("the claims are not a map")
        try:
            token_id = doc[CLAIM_CTI]
            if not isinstance(token_id, bytes):
                raise MalformedToken("the token id is not bytes")
            return cls(  # positional, in field order
                str(doc[CLAIM_ISS]), int(doc[CLAIM_IAT]), int(doc[CLAIM_EXP]), token_id,
                Payload.from_cbor_map(doc[CLAIM_PAYLOAD]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, MalformedToken):
                raise
            raise MalformedToken(f"a claim is missing or of the wrong type ({exc})") from exc


def revocation_hash(token_id: bytes) -> str:
    """What the revocation list holds for a revoked token: never the token id itself."""
    return hashlib.sha256(token_id).hexdigest()[:32]


def kid_for(public_key_der: bytes) -> bytes:
    """The key id: the first 8 bytes of the SHA-256 of the public key (as in the EU DCC)."""
    return hashlib.sha256(public_key_der).digest()[:8]


# --- keys ---------------------------------------------------------------------------------------

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey


def generate_private_key(alg: int) -> PrivateKey:
    if alg == ALG_EDDSA:
        return ed25519.Ed25519PrivateKey.generate()
    if alg == ALG_ES256:
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unsupported algorithm {alg}")


def private_key_pem(key: PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def load_private_key(pem: str) -> PrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError("not an Ed25519 or P-256 key")
    return key


def public_key_der(key: PrivateKey | PublicKey) -> bytes:
    public: PublicKey = (
        key.public_key()
        if isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey)
        else key
    )
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(der: bytes) -> PublicKey:
    key = serialization.load_der_public_key(der)
    if not isinstance(key, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey):
        raise ValueError("not an Ed25519 or P-256 key")
    return key


# --- COSE_Sign1 ---------------------------------------------------------------------------------


# Built once: constructing ECDSA(SHA256()) costs about 5 us, a twentieth of a verification.
_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())


# The start of every Sig_structure (RFC 9052 section 4.4): an array of four, then "Signature1".
_SIG_STRUCTURE_HEAD = b"\x84\x6aSignature1"
_EMPTY_EXTERNAL_AAD = b"\x40"


def _cbor_bytes_head(length: int) -> bytes:
    """The CBOR head of a byte string (major type 2) of this length."""
    if length < 24:
        return bytes((0x40 + length,))
    if length < 0x100:
        return bytes((0x58, length))
    if length < 0x10000:
        return b"\x59" + length.to_bytes(2, "big")
    return b"\x5a" + length.to_bytes(4, "big")


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    """cbor2.dumps(["Signature1", protected, b"", payload]), written out: this runs for every
    verification and joining the parts costs a third of what the general encoder does."""
    return b"".join((
        _SIG_STRUCTURE_HEAD, _cbor_bytes_head(len(protected)), protected, _EMPTY_EXTERNAL_AAD,
        _cbor_bytes_head(len(payload)), payload,
    ))


def sign(payload: bytes, *, key: PrivateKey, alg: int, kid: bytes) -> bytes:
    """A tagged COSE_Sign1 over `payload`, with alg and kid in the protected header."""
    protected = cbor2.dumps({HEADER_ALG: alg, HEADER_KID: kid})
    message = _to_be_signed(protected, payload)
    if alg == ALG_EDDSA and isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(message)
    elif alg == ALG_ES256 and isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")  # COSE wants raw r || s
    else:
        raise ValueError("the key does not match the algorithm")
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


@dataclass(frozen=True)
class Sign1:
    protected: bytes
    alg: int
    kid: bytes
    payload: bytes
    signature: bytes

    def verify(self, key: PublicKey) -> bool:
        """True if `key` signed this. The caller has matched the key's algorithm to `alg`; no
        isinstance checks here, as they go through abc and cost more than a tenth of a check."""
        message = _to_be_signed(self.protected, self.payload)
        try:
            # PublicKey is a union whose verify() signatures differ; the caller matched the key
            # to `alg`, and a mismatch raises TypeError, caught below.
            if self.alg == ALG_EDDSA:
                key.verify(self.signature, message)  # type: ignore[call-arg]
                return True
            if self.alg == ALG_ES256 and len(self.signature) == 64:
                der = encode_dss_signature(
                    int.from_bytes(self.signature[:32], "big"),
                    int.from_bytes(self.signature[32:], "big"),
                )
                key.verify(der, message, _ECDSA_SHA256)  # type: ignore[call-arg]
                return True
        except (InvalidSignature, TypeError):
            return False
        return False


def parse_sign1(raw: bytes, *, max_bytes: int | None = MAX_TOKEN_BYTES) -> Sign1:
    """The COSE_Sign1 exactly as the issuer encodes it, or MalformedToken: tag 18 around an
    array of the protected header, an empty unprotected map, the payload and the signature, in
    the shortest encoding, with nothing before or after it. Any other encoding of the same
    parts (untagged, wrapped again, indefinite lengths, a header moved to the unprotected map)
    is refused, as the offline page refuses it. A signed list (not a token) has no size limit:
    max_bytes=None."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise MalformedToken(f"larger than any token ({len(raw)} > {max_bytes} bytes)")
    doc = _loads_exactly(raw, "the COSE_Sign1")
    if not isinstance(doc, cbor2.CBORTag):
        raise MalformedToken("not tagged as a COSE_Sign1 (CBOR tag 18)")
    if doc.tag != COSE_SIGN1_TAG:
        raise MalformedToken(f"CBOR tag {doc.tag} is not COSE_Sign1")
    doc = doc.value
    # cbor2 6 decodes arrays inside a tag as tuples and maps as frozendicts.
    if not (isinstance(doc, list | tuple) and len(doc) == 4):
        raise MalformedToken("not a COSE_Sign1 array of four")
    protected, unprotected, payload, signature = doc
    if not (type(protected) is bytes and type(payload) is bytes and type(signature) is bytes):
        raise MalformedToken("COSE_Sign1 parts are not byte strings")
    if not (_is_map(unprotected) and len(unprotected) == 0):
        raise MalformedToken("the unprotected header is not empty")
    if cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature])) != raw:
        raise MalformedToken("the COSE_Sign1 is not encoded as issued")
    alg, kid = _protected_header(protected)
    return Sign1(protected, alg, kid, payload, signature)


# Protected headers already read, by their bytes: an issuer has a handful of keys, so a gate
# sees the same few headers all day. Only well-formed headers are kept, and at most this many.
_HEADERS_SEEN: dict[bytes, tuple[int, bytes]] = {}
_HEADERS_KEPT = 256


def _protected_header(protected: bytes) -> tuple[int, bytes]:
    """(alg, kid) from the protected header, or MalformedToken."""
    seen = _HEADERS_SEEN.get(protected)
    if seen is not None:
        return seen
    header = _loads_exactly(protected, "the protected header")
    if not _is_map(header):
        raise MalformedToken("the protected header is not a map")
    alg, kid = header.get(HEADER_ALG), header.get(HEADER_KID)
    if alg not in ALG_NAMES:
        raise MalformedToken(f"unsupported algorithm {alg!r}")
    if not isinstance(kid, bytes):
        raise MalformedToken("no key id in the protected header")
    if len(_HEADERS_SEEN) < _HEADERS_KEPT:
        _HEADERS_SEEN[protected] = (alg, kid)
    return alg, kid


# --- text form ----------------------------------------------------------------------------------


@dataclass
class Stages:
    """The token at each stage of encoding, kept for the benchmark and the docs."""

    cbor: bytes = b""
    cose: bytes = b""
    compressed: bytes | None = None  # None when zlib did not pay and was skipped
    text: str = ""
    sizes: dict[str, int] = field(default_factory=dict)


def encode(claims: Claims, *, key: PrivateKey, alg: int, kid: bytes) -> Stages:
    stages = Stages(cbor=claims.to_cbor())
    stages.cose = sign(stages.cbor, key=key, alg=alg, kid=kid)
    if len(stages.cose) > MAX_TOKEN_BYTES:
        raise ValueError(f"a token of {len(stages.cose)} bytes would not fit in a QR code")
    squeezed = zlib.compress(stages.cose, 9)
    # Signatures and random ids do not compress: at this size zlib often adds bytes.
    body = squeezed if len(squeezed) < len(stages.cose) else stages.cose
    stages.compressed = squeezed if body is squeezed else None
    stages.text = PREFIX + base45.b45encode(body)
    stages.sizes = {
        "cbor": len(stages.cbor), "cose": len(stages.cose), "zlib": len(squeezed),
        "sent": len(body), "text": len(stages.text),
    }
    return stages


def decode_text(text: str) -> Sign1:
    """From the scanned text to the parsed COSE_Sign1, or MalformedToken saying what is wrong.
    Nothing larger than a token is decoded or inflated."""
    text = text.strip()
    if not text.startswith(PREFIX):
        raise MalformedToken(f"the text does not start with {PREFIX}")
    if len(text) > MAX_TOKEN_TEXT:
        raise MalformedToken(
            f"the text is longer than any token ({len(text)} > {MAX_TOKEN_TEXT} characters)")
    try:
        raw = base45.b45decode(text[len(PREFIX):])
    except Exception as exc:  # base45 raises ValueError or others on bad input
        raise MalformedToken("the text is not valid base45") from exc
    if raw and raw[0] == ZLIB_FIRST_BYTE:
        raw = _inflate_as_issued(raw)
    return parse_sign1(raw)


def _inflate_as_issued(compressed: bytes) -> bytes:
    """One zlib stream, inflated to at most MAX_TOKEN_BYTES, with nothing after it, and shorter
    than what it holds: the issuer compresses only when that shortens the token."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, MAX_TOKEN_BYTES + 1)
    except zlib.error as exc:
        raise MalformedToken("the compressed data is corrupt") from exc
    if len(raw) > MAX_TOKEN_BYTES:
        raise MalformedToken(f"the compressed data holds more than any token "
                             f"(over {MAX_TOKEN_BYTES} bytes); not inflated further")
    if not inflater.eof:
        raise MalformedToken("the compressed data is truncated")
    if inflater.unused_data:
        raise MalformedToken("bytes after the compressed data")
    if len(compressed) >= len(raw):
        raise MalformedToken("compressed although that does not shorten it: not as issued")
    return raw


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())
