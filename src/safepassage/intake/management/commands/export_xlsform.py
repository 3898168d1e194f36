"""`safepassage export-xlsform [--out FILE.xlsx]`: the registration form as an XLSForm, for
offline collection with ODK Collect or KoboCollect (decision 0101)."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepassage.intake.xlsform import registration_xlsform


class Command(BaseCommand):
    help = "Write the registration form as an XLSForm (ODK Collect, KoboCollect)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=None,
                            help="The .xlsx file to write (default: standard output).")
        parser.add_argument("--form-version", dest="form_version", default="",
                            help="The form's version string (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        data = registration_xlsform(version=options["form_version"])
        if options["out"] is None:
            sys.stdout.buffer.write(data)
            return
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"{options['out']}: XLSForm written ({len(data):,} bytes).")
