"""`safepassage rotate-index-key`: a new blind-index key, every index rebuilt while reads go on."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts.permissions import OPERATOR
from safepassage.audit import services as audit
from safepassage.operations import index_rotation
from safepassage.protection.keys import key_source_is_file, load_keyring


class Command(BaseCommand):
    help = ("Rotate the blind-index key: make a new one current (key file), rebuild every blind "
            "index in batches while searches look under both keys, then retire the old key.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild-only", action="store_true",
            help="Keys from the environment: SAFEPASSAGE_INDEX_KEY already holds the new key and "
                 "SAFEPASSAGE_PREVIOUS_INDEX_KEYS the old one on every server; only rebuild.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rebuild_only"]:
            if not key_source_is_file():
                raise CommandError(
                    "Keys come from the environment: on every server, set SAFEPASSAGE_INDEX_KEY "
                    "to a new key (safepassage generate-keys) and SAFEPASSAGE_PREVIOUS_INDEX_KEYS "
                    "to the old one, restart, run with --rebuild-only, then remove "
                    "SAFEPASSAGE_PREVIOUS_INDEX_KEYS and restart again.")
            index_rotation.start_rotation()
            self.stdout.write("New blind-index key in force; searches also use the old one.")
        elif not load_keyring(reload=True).previous_index_keys:
            raise CommandError("No previous index key is set: nothing to rebuild from.")
        done = index_rotation.rebuild_all(
            lambda name, n: self.stdout.write(f"Rebuilt {name}: {n}."))
        if key_source_is_file():
            index_rotation.retire_previous_keys()
            self.stdout.write("Old blind-index key retired.")
        else:
            self.stdout.write("Rebuilt. Now remove SAFEPASSAGE_PREVIOUS_INDEX_KEYS and restart.")
        audit.record(actor=OPERATOR, action="protection.index_key_rotated",
                     details=done)
