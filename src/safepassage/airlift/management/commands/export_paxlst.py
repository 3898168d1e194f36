"""`safepassage export-paxlst FLIGHT --out FILE`: the flight's PAXLST message for the border
agency (and, with --csv, the passenger list), read as the officer's download is: audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.airlift import exports, selectors
from safepassage.airlift.models import Flight
from safepassage.airlift.paxlst import PaxlstError


class Command(BaseCommand):
    help = "Write a flight's UN/EDIFACT PAXLST message (and optionally its CSV passenger list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("flight", help="the flight code, e.g. SP001")
        parser.add_argument("--out", type=Path, required=True, help="where to write the message")
        parser.add_argument("--csv", type=Path, default=None,
                            help="also write the passenger list as CSV here")
        parser.add_argument("--as", dest="username", default="airlift-officer",
                            help="the airlift officer acting (default: airlift-officer)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}; name an airlift officer "
                               "with --as (see `safepassage demo-users`).")
        try:
            flight = selectors.flights_for(actor=user).get(code=options["flight"])
        except Flight.DoesNotExist:
            raise CommandError(f"No flight {options['flight']!r}; give a flight code as the "
                               "flight list shows it.") from None
        try:
            manifest = selectors.flight_manifest(actor=user, flight=flight, purpose="paxlst")
            text = exports.manifest_paxlst(flight, manifest, prepared_at=timezone.now())
        except (PermissionDenied, PaxlstError) as exc:
            raise CommandError(str(exc)) from None
        try:
            options["out"].write_text(text, encoding="utf-8")
            if options["csv"] is not None:
                options["csv"].write_text(exports.manifest_csv(manifest), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write the manifest: {exc.strerror}.") from None
        people = sum(len(h.passengers) for h in manifest)
        self.stdout.write(f"{flight.code}: {len(manifest)} households, {people} passengers "
                          f"written to {options['out']}")
