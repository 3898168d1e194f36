"""`safepassage rotate-data-key`: a new primary data key, then every value re-encrypted under it."""

from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts import permissions
from safepassage.audit import services as audit
from safepassage.protection.keys import (
    key_source_is_file,
    load_keyring,
    new_key,
    new_kid,
    write_key_file,
)
from safepassage.protection.retention import retained_backups
from safepassage.protection.rotation import key_usage, reencrypt_all


class Command(BaseCommand):
    help = (
        "Rotate the data key without stopping reads: add a new primary key (key file) and "
        "re-encrypt every value under it. Old keys stay in the key file (older backups and "
        "copies need them) unless --delete-old-keys, which refuses while a retained backup "
        "was written under one of them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reencrypt-only", action="store_true",
            help="Do not add a key: re-encrypt under the current primary (keys from environment).",
        )
        parser.add_argument(
            "--delete-old-keys", action="store_true",
            help="Remove from the key file the keys no value uses any more, unless a backup "
                 "still retained (SAFEPASSAGE_BACKUP_DIR) was written under one of them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ring = load_keyring(reload=True)
        if not options["reencrypt_only"]:
            if not key_source_is_file():
                raise CommandError(
                    "Keys come from the environment: put the new key first in "
                    "SAFEPASSAGE_DATA_KEYS on every server, then run with --reencrypt-only."
                )
            kid = new_kid()
            ring = replace(ring, data_keys={kid: new_key(), **ring.data_keys}, primary_kid=kid)
            write_key_file(Path(settings.DATA_KEY_FILE), ring)
            ring = load_keyring(reload=True)
            self.stdout.write(f"New primary data key {kid}; old keys still read.")
        rows = reencrypt_all()
        usage = key_usage()
        stale = {kid: n for kid, n in usage.items() if kid != ring.primary_kid}
        audit.record(actor=permissions.OPERATOR, action="protection.key_rotated",
                     details={"primary": ring.primary_kid, "rows": rows})
        if stale:
            raise CommandError(f"Values still under old keys: {stale}. Run the command again.")
        if options["delete_old_keys"] and key_source_is_file() and len(ring.data_keys) > 1:
            retired = [k for k in ring.data_keys if k != ring.primary_kid]
            needed = {b["file"]: sorted(set(b["key_ids"]) & set(retired))
                      for b in retained_backups() if set(b["key_ids"]) & set(retired)}
            if needed:
                which = "; ".join(f"{name}: {' '.join(kids)}" for name, kids in needed.items())
                raise CommandError(
                    f"Old keys kept: retained backups were written under them ({which}). "
                    "Delete them once those backups have left their retention period.")
            ring = replace(ring, data_keys={ring.primary_kid: ring.primary_key})
            write_key_file(Path(settings.DATA_KEY_FILE), ring)
            load_keyring(reload=True)
            self.stdout.write(f"Retired keys {', '.join(retired)} (no value uses them).")
        self.stdout.write(f"Re-encrypted {rows} rows; every value is under key {ring.primary_kid}.")
