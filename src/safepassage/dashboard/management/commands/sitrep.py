"""`safepassage sitrep --date YYYY-MM-DD --out FILE.pdf`: the situation report for a day."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.dashboard.sitrep import build_situation_report


class Command(BaseCommand):
    help = "Write the PDF situation report for a day (funnel, commitments, flights, follow-ups)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day, YYYY-MM-DD (default: today).")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (dt.date.fromisoformat(options["date"]) if options["date"]
                   else timezone.localdate())
        except ValueError as exc:
            raise CommandError(
                f"--date {options['date']!r} is not a date: write it as YYYY-MM-DD."
            ) from exc
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"--out: the folder {out.parent} does not exist; create it first.")
        out.write_bytes(build_situation_report(actor=permissions.OPERATOR, day=day))
        self.stdout.write(f"Situation report for {day.isoformat()} written to {out}.")
