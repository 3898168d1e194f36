"""`safepassage generate-keys`: fresh keys to put in the environment or a key file."""

import base64
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepassage.protection.keys import generate_keyring, write_key_file


class Command(BaseCommand):
    help = "Generate a data key and a blind-index key (prints environment lines, or writes a file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="Write a key file (mode 600) instead of printing.")

    def handle(self, *args: Any, **options: Any) -> None:
        ring = generate_keyring()
        if options["file"]:
            write_key_file(Path(options["file"]), ring)
            self.stdout.write(f"Wrote {options['file']}.")
            return
        key = base64.b64encode(ring.primary_key).decode()
        self.stdout.write(f"SAFEPASSAGE_DATA_KEYS={ring.primary_kid}:{key}")
        self.stdout.write(f"SAFEPASSAGE_INDEX_KEY={base64.b64encode(ring.index_key).decode()}")
