"""The shared corpus of genuine, altered and malformed tokens (issue 17, item 6).

Built at test time with the test keys (the signing key in force): `safepassage verify` and the
offline verifier page must give every sample the same verdict, the one written here, or, for
the bit flips, the same verdict from both and never VALID. The samples are made afresh by each
test around letters signed by that test's key, so no key or token is kept in the repository.
"""

from __future__ import annotations

import datetime as dt
import os
import zlib
from dataclasses import dataclass

import cbor2

from safepassage.credentials import base45, services
from safepassage.credentials import token as tk
from safepassage.credentials.verification import (
    INVALID_SIGNATURE,
    MALFORMED,
    UNKNOWN_KEY,
    VALID,
)


@dataclass(frozen=True)
class Sample:
    name: str
    text: str
    verdict: str | None  # None: not VALID, and the same from the command and the page


def text_of(raw: bytes) -> str:
    return tk.PREFIX + base45.b45encode(raw)


def raw_of(text: str) -> bytes:
    raw = base45.b45decode(text[len(tk.PREFIX):])
    return zlib.decompress(raw) if raw[:1] == b"\x78" else raw


def _parts(raw: bytes) -> tuple[bytes, bytes, bytes]:
    protected, _unprotected, payload, signature = cbor2.loads(raw).value
    return protected, payload, signature


def _sign1(protected: bytes, unprotected: object, payload: bytes, signature: bytes) -> list:
    return [protected, unprotected, payload, signature]


def compressed_letter() -> str:
    """A genuine letter that the issuer compresses (zlib pays: long repeated names)."""
    key = services.active_signing_key()
    now = dt.datetime.now(dt.UTC)
    payload = tk.Payload(
        kind=tk.KIND_LETTER, name="Mohammad Mohammadi Mohammadzai", birth_year=1980,
        case_reference="SP-CORPUS-001", people=8,
        given_names=["Mohammadullah Mohammadzai"] * 8)
    claims = tk.Claims(issuer=key.issuer, issued_at=tk.epoch(now),
                       expires_at=tk.epoch(now + dt.timedelta(days=30)),
                       token_id=os.urandom(16), payload=payload)
    stages = tk.encode(claims, key=services.private_key_of(key), alg=tk.ALG_BY_NAME[key.alg],
                       kid=bytes.fromhex(key.kid))
    assert stages.compressed is not None, "this letter is meant to be issued compressed"
    return stages.text


def zlib_bomb(inflated_bytes: int) -> bytes:
    """zlib of `inflated_bytes` zeros, made a megabyte at a time."""
    squeezer = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts, left = [], inflated_bytes
    while left > 0:
        parts.append(squeezer.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(squeezer.flush())
    return b"".join(parts)


def build(genuine: str, other_genuine: str) -> list[Sample]:
    """The corpus around two genuine letters of the test key (one issued uncompressed)."""
    raw = raw_of(genuine)
    assert base45.b45decode(genuine[len(tk.PREFIX):])[:1] != b"\x78"
    protected, payload, signature = _parts(raw)
    header = cbor2.loads(protected)
    kid = header[tk.HEADER_KID]
    squeezed_genuine = compressed_letter()
    squeezed = base45.b45decode(squeezed_genuine[len(tk.PREFIX):])
    squeezed_raw = zlib.decompress(squeezed)
    array = _sign1(protected, {}, payload, signature)

    def header_with(**changes: object) -> bytes:
        values = dict(header)
        for label, value in changes.items():
            values[{"alg": tk.HEADER_ALG, "kid": tk.HEADER_KID}[label]] = value
        return cbor2.dumps(values)

    def reencoded(new_protected: bytes) -> str:
        return text_of(cbor2.dumps(cbor2.CBORTag(18, [new_protected, {}, payload, signature])))

    other_payload = _parts(raw_of(other_genuine))[1]
    long_head = bytearray(raw)
    at = long_head.index(cbor2.dumps(payload))
    head = cbor2.dumps(payload)[: len(cbor2.dumps(payload)) - len(payload)]
    assert head[0] == 0x58, "a payload of 24-255 bytes has a one-byte length"
    long_head[at:at + len(head)] = bytes([0x59, 0, len(payload)])
    indefinite = (b"\xd2\x9f" + b"".join(cbor2.dumps(part) for part in array) + b"\xff")
    big_bomb = zlib_bomb(1 << 30)  # 1 GiB of zeros: about 1 MB, 1.5 MB of text
    samples = [
        Sample("genuine", genuine, VALID),
        Sample("genuine, compressed as issued", squeezed_genuine, VALID),
        Sample("genuine, with spaces around", f"  {genuine}\n", VALID),
        Sample("a byte after the COSE_Sign1", text_of(raw + b"\x00"), MALFORMED),
        Sample("a CBOR item after the COSE_Sign1", text_of(raw + cbor2.dumps(1)), MALFORMED),
        Sample("a byte after the zlib stream", text_of(squeezed + b"\x00"), MALFORMED),
        Sample("a byte after the COSE_Sign1 inside zlib",
               text_of(zlib.compress(squeezed_raw + b"\x00", 9)), MALFORMED),
        Sample("untagged", text_of(cbor2.dumps(array)), MALFORMED),
        Sample("tag 18 twice", text_of(cbor2.dumps(cbor2.CBORTag(18, cbor2.CBORTag(18, array)))),
               MALFORMED),
        Sample("wrapped in a CWT tag (61)",
               text_of(cbor2.dumps(cbor2.CBORTag(61, cbor2.CBORTag(18, array)))), MALFORMED),
        Sample("wrapped in a byte string", text_of(cbor2.dumps(raw)), MALFORMED),
        Sample("tag 18 around a byte string", text_of(cbor2.dumps(cbor2.CBORTag(18, raw))),
               MALFORMED),
        Sample("another tag (98, COSE_Sign)", text_of(cbor2.dumps(cbor2.CBORTag(98, array))),
               MALFORMED),
        Sample("indefinite-length array", text_of(indefinite), MALFORMED),
        Sample("a longer length than needed", text_of(bytes(long_head)), MALFORMED),
        Sample("key id moved to the unprotected header",
               text_of(cbor2.dumps(cbor2.CBORTag(18, [protected, {tk.HEADER_KID: kid}, payload,
                                                      signature]))), MALFORMED),
        Sample("zlib that does not shorten it", text_of(zlib.compress(raw, 9)), MALFORMED),
        Sample("zlib truncated", text_of(squeezed[:-3]), MALFORMED),
        Sample("zlib corrupt", text_of(squeezed[:6] + bytes(len(squeezed) - 6)), MALFORMED),
        Sample("zlib bomb, 64 KB of zeros in a short text", text_of(zlib_bomb(1 << 16)),
               MALFORMED),
        Sample("zlib bomb, 1.5 MB of text inflating to 1 GiB", text_of(big_bomb), MALFORMED),
        Sample("larger than any token, uncompressed",
               text_of(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload + bytes(5000),
                                                      signature]))), MALFORMED),
        Sample("algorithm swapped to ES256", reencoded(header_with(alg=tk.ALG_ES256)),
               INVALID_SIGNATURE),
        Sample("algorithm 'none' (-65535)", reencoded(header_with(alg=-65535)), MALFORMED),
        Sample("algorithm HMAC 256/256 (5)", reencoded(header_with(alg=5)), MALFORMED),
        Sample("no algorithm", reencoded(cbor2.dumps({tk.HEADER_KID: kid})), MALFORMED),
        Sample("unknown key id", reencoded(header_with(kid=bytes(8))), UNKNOWN_KEY),
        Sample("a byte after the protected header", reencoded(protected + b"\x00"), MALFORMED),
        Sample("another letter's content under this signature",
               text_of(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, other_payload, signature]))),
               INVALID_SIGNATURE),
        Sample("signature one byte short",
               text_of(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, signature[:-1]]))),
               INVALID_SIGNATURE),
        Sample("signature of zeros",
               text_of(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload,
                                                      bytes(len(signature))]))),
               INVALID_SIGNATURE),
        Sample("no prefix", genuine[len(tk.PREFIX):], MALFORMED),
        Sample("prefix only", tk.PREFIX, MALFORMED),
        Sample("not base45", tk.PREFIX + "NOT_BASE45!", MALFORMED),
        Sample("lower-case base45", genuine[:len(tk.PREFIX)] + genuine[len(tk.PREFIX):].lower(),
               MALFORMED),
    ]
    for at in range(len(raw)):
        flipped = bytearray(raw)
        flipped[at] ^= 0x01
        samples.append(Sample(f"bit flip at byte {at}", text_of(bytes(flipped)), None))
    return samples
