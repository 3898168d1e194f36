"""AES-256-GCM encryption of single values, bound to the column they live in, and blind indexes.

Stored form: ``v1:<kid>:<base64(nonce || ciphertext+tag)>``. The associated data is the column's
name, so a ciphertext moved to another column fails to decrypt instead of being misread.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safepassage.protection.keys import Keyring, load_keyring

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong or missing key, or tampered ciphertext."""


# Building the cipher and the HMAC key schedule once per key, not once per value, matters in bulk
# imports (tens of thousands of values). The objects hold only the key; both are safe to share
# between threads (every call builds its own context). Keyed by the key bytes, so a rotated or
# reloaded keyring simply gets new entries.
@functools.lru_cache(maxsize=32)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


@functools.lru_cache(maxsize=8)
def _index_mac(key: bytes) -> hmac.HMAC:
    return hmac.new(key, digestmod=hashlib.sha256)


def encrypt(plaintext: str, *, context: str, keyring: Keyring | None = None) -> str:
    ring = keyring or load_keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(ring.primary_key).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return f"{PREFIX}:{ring.primary_kid}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def decrypt(stored: str, *, context: str) -> str:
    try:
        prefix, kid, b64 = stored.split(":", 2)
    except ValueError as exc:
        raise DecryptionError(f"{context}: not an encrypted value") from exc
    if prefix != PREFIX:
        raise DecryptionError(f"{context}: unknown format {prefix!r}")
    ring = load_keyring()
    if kid not in ring.data_keys:
        # Another process may have rotated the key file; look again once before failing.
        ring = load_keyring(reload=True)
        if kid not in ring.data_keys:
            raise DecryptionError(f"{context}: key {kid} is not in the keyring")
    raw = base64.b64decode(b64)
    try:
        plain = _aead(ring.data_keys[kid]).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()
        )
    except InvalidTag as exc:
        raise DecryptionError(f"{context}: ciphertext failed authentication") from exc
    return plain.decode("utf-8")


def blind_index(value: str, *, kind: str, key: bytes | None = None) -> str:
    """A keyed digest of a normalised value, for exact look-ups without storing the value.

    The kind is part of the message, so a phone and a document number never share a digest.
    Written under the current index key (or `key`).
    """
    mac = _index_mac(key or load_keyring().index_key).copy()
    mac.update(f"{kind}\x00{value}".encode())
    return mac.hexdigest()[:32]


def blind_indexes(value: str, *, kind: str) -> list[str]:
    """The digests to look a value up by: under the current index key and, while the index key
    is being rotated, under the previous ones too (a row not yet rebuilt is still found)."""
    ring = load_keyring()
    return [blind_index(value, kind=kind, key=k)
            for k in (ring.index_key, *ring.previous_index_keys)]


def previous_blind_indexes(value: str, *, kind: str) -> list[str]:
    return [blind_index(value, kind=kind, key=k) for k in load_keyring().previous_index_keys]
