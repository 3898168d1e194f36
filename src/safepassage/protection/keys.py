"""The data keyring: AES-256-GCM keys by key id (the first is primary) and the blind-index HMAC key.

Keys come from the environment (SAFEPASSAGE_DATA_KEYS="kid:base64,...", SAFEPASSAGE_INDEX_KEY) or
from a key file. The demo creates a random key file on first use, so no two installs share keys.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


@dataclass(frozen=True)
class Keyring:
    data_keys: dict[str, bytes]  # kid -> key, insertion order: primary first
    primary_kid: str
    index_key: bytes
    # Blind-index keys being rotated away: look-ups try them too until every index is rebuilt.
    previous_index_keys: tuple[bytes, ...] = ()

    @property
    def primary_key(self) -> bytes:
        return self.data_keys[self.primary_kid]


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_kid() -> str:
    return "k" + dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not valid base64.") from exc
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{what} must be {KEY_BYTES} bytes (base64 of 32 random bytes).")
    return key


def _from_environment(data_keys: str, index_key: str, previous_index_keys: str = "") -> Keyring:
    keys: dict[str, bytes] = {}
    for item in data_keys.split(","):
        kid, sep, b64 = item.strip().partition(":")
        if not sep or not kid:
            raise ImproperlyConfigured("SAFEPASSAGE_DATA_KEYS must be 'kid:base64key,...'.")
        keys[kid] = _unb64(b64, f"Data key {kid}")
    previous = tuple(_unb64(k.strip(), "SAFEPASSAGE_PREVIOUS_INDEX_KEYS")
                     for k in previous_index_keys.split(",") if k.strip())
    return Keyring(keys, next(iter(keys)), _unb64(index_key, "SAFEPASSAGE_INDEX_KEY"), previous)


def read_key_file(path: Path) -> Keyring:
    doc = json.loads(path.read_text())
    keys = {k["kid"]: _unb64(k["key"], f"Data key {k['kid']}") for k in doc["data_keys"]}
    primary = doc.get("primary") or next(iter(keys))
    ordered = {primary: keys[primary]} | {k: v for k, v in keys.items() if k != primary}
    previous = tuple(_unb64(k, "previous_index_keys") for k in doc.get("previous_index_keys", []))
    return Keyring(ordered, primary, _unb64(doc["index_key"], "index_key"), previous)


def write_key_file(path: Path, keyring: Keyring) -> None:
    doc = {
        "primary": keyring.primary_kid,
        "data_keys": [{"kid": kid, "key": _b64(key)} for kid, key in keyring.data_keys.items()],
        "index_key": _b64(keyring.index_key),
    }
    if keyring.previous_index_keys:
        doc["previous_index_keys"] = [_b64(k) for k in keyring.previous_index_keys]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # The key file is written owner-only and swapped in atomically, so a reader never sees half.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=2)
    os.replace(tmp, path)


def generate_keyring() -> Keyring:
    kid = new_kid()
    return Keyring({kid: new_key()}, kid, new_key())


_lock = threading.Lock()
_cached: Keyring | None = None
_file_seen: tuple[str, float] | None = None  # (path, modification time) of the cached ring
_checked_at = 0.0
# Every process looks at the key file's modification time at most this often, so a rotation
# made by a command reaches every server process within about a second.
RECHECK_SECONDS = 1.0


def _key_file_changed() -> bool:
    global _checked_at
    if _file_seen is None:
        return False
    path = str(settings.DATA_KEY_FILE)
    if path != _file_seen[0]:
        return True
    now = time.monotonic()
    if now - _checked_at < RECHECK_SECONDS:
        return False
    _checked_at = now
    try:
        return (path, os.stat(path).st_mtime) != _file_seen
    except OSError:
        return True


def load_keyring(*, reload: bool = False) -> Keyring:
    """The keyring in force; created as a key file for the embedded demo if none is configured."""
    global _cached, _file_seen
    with _lock:
        if _cached is not None and not reload and not _key_file_changed():
            return _cached
        if settings.DATA_KEYS_ENV and settings.INDEX_KEY_ENV:
            _cached = _from_environment(settings.DATA_KEYS_ENV, settings.INDEX_KEY_ENV,
                                        settings.PREVIOUS_INDEX_KEYS_ENV)
            _file_seen = None
        else:
            path = Path(settings.DATA_KEY_FILE)
            if not path.exists():
                if settings.PRODUCTION:
                    raise ImproperlyConfigured(f"Data key file {path} does not exist.")
                write_key_file(path, generate_keyring())
            _cached = read_key_file(path)
            _file_seen = (str(path), path.stat().st_mtime)
        return _cached


def key_source_is_file() -> bool:
    return not (settings.DATA_KEYS_ENV and settings.INDEX_KEY_ENV)
