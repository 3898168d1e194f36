"""Rotating the blind-index key: a new key becomes current, every blind index is rebuilt in
batches (persons' identifiers, linkage blocking keys, imported rows' fingerprints, received
messages' phone digests) while searches go on under both keys, then the old key is retired."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from django.conf import settings

from safepassage.intake.services import rebuild_row_fingerprints
from safepassage.linkage.services import rebuild_block_keys
from safepassage.messaging.services import rebuild_sender_digests
from safepassage.protection import keys
from safepassage.registry.identifiers import rebuild_identifiers
from safepassage.registry.services import rebuild_contact_digests

REBUILDS: list[tuple[str, Callable[[], int]]] = [
    ("persons' identifiers", rebuild_identifiers),
    ("linkage blocking keys", rebuild_block_keys),
    ("imported rows' fingerprints", rebuild_row_fingerprints),
    ("received messages' phone digests", rebuild_sender_digests),
    ("public form numbers' digests", rebuild_contact_digests),
]


def start_rotation() -> keys.Keyring:
    """A new current index key in the key file; the old one stays for look-ups. Every process
    sees the change within keys.RECHECK_SECONDS: wait that long before rebuilding, so that no
    process still writes under the old key once the rebuild has passed its rows."""
    ring = keys.load_keyring(reload=True)
    rotated = replace(ring, index_key=keys.new_key(),
                      previous_index_keys=(ring.index_key, *ring.previous_index_keys))
    keys.write_key_file(Path(settings.DATA_KEY_FILE), rotated)
    time.sleep(2 * keys.RECHECK_SECONDS)
    return keys.load_keyring(reload=True)


def rebuild_all(progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    done = {}
    for name, rebuild in REBUILDS:
        done[name] = rebuild()
        if progress:
            progress(name, done[name])
    return done


def retire_previous_keys() -> None:
    ring = keys.load_keyring(reload=True)
    keys.write_key_file(Path(settings.DATA_KEY_FILE), replace(ring, previous_index_keys=()))
    keys.load_keyring(reload=True)
