"""`safepassage restore FILE --identity RECOVERY-KEY`: into an empty database, with its keys."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.operations.backups import BackupError, restore_backup
from safepassage.protection.keys import key_source_is_file


class Command(BaseCommand):
    help = ("Restore a backup into an empty database (DATABASE_URL) and its data keys into the "
            "key file (SAFEPASSAGE_DATA_KEY_FILE); checks every table's row count.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--identity", required=True,
                            help="The recovery private key file (AGE-SECRET-KEY-1…).")

    def handle(self, *args: Any, **options: Any) -> None:
        identity = Path(options["identity"]).read_text()
        key_file = Path(settings.DATA_KEY_FILE) if key_source_is_file() else None
        try:
            restored = restore_backup(path=Path(options["file"]), identity=identity,
                                      key_file=key_file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = restored.manifest
        self.stdout.write(f"Restored the backup of {manifest['created_at']} "
                          f"({sum(restored.counts.values())} rows in {len(restored.counts)} "
                          "tables, every count as in the backup).")
        if key_file is None:
            self.stdout.write("Keys come from the environment: make sure SAFEPASSAGE_DATA_KEYS "
                              f"holds the key ids {', '.join(manifest['key_ids'])}.")
        else:
            self.stdout.write(f"Data keys written to {key_file}.")
        self.stdout.write("Next: safepassage migrate, then safepassage verify-audit.")
