"""`safepassage generate-recovery-key --out FILE`: the key pair backups are encrypted to."""

import os
from pathlib import Path
from typing import Any

import pyrage
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = ("Make the recovery key pair: the private key goes to FILE (keep it offline, never on "
            "the server), the public key is printed for SAFEPASSAGE_BACKUP_RECIPIENT.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["out"])
        if path.exists():
            raise CommandError(f"{path} exists: a recovery key is never overwritten.")
        identity = pyrage.x25519.Identity.generate()
        public = identity.to_public()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(f"# public key: {public}\n{identity}\n")
        self.stdout.write(f"SAFEPASSAGE_BACKUP_RECIPIENT={public}")
