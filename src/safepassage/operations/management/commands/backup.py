"""`safepassage backup`: one file encrypted to the recovery public key (docs/operations.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.permissions import OPERATOR
from safepassage.audit import services as audit
from safepassage.operations.backups import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and its data keys into one file only the recovery key opens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", help="The file to write (default: in SAFEPASSAGE_BACKUP_DIR).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = make_backup(out=Path(options["out"]) if options["out"] else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        audit.record(actor=OPERATOR, action="operations.backup_written",
                     details={"file": backup.path.name, "key_ids": backup.manifest["key_ids"]})
        rows = sum(backup.manifest["tables"].values())
        self.stdout.write(f"Wrote {backup.path} ({rows} rows, keys "
                          f"{', '.join(backup.manifest['key_ids'])}).")
