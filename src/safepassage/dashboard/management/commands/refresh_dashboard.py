"""`safepassage refresh-dashboard [--every SECONDS]`: recompute the dashboard's aggregates."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepassage.dashboard.selectors import compute_snapshot


class Command(BaseCommand):
    help = ("Recompute the aggregates behind the operations dashboard once, or every N seconds "
            "(run it as a worker at a million registrations so that no page view waits).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0,
                            help="Keep running and refresh every this many seconds.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            snapshot = compute_snapshot()
            self.stdout.write(f"Dashboard figures computed in {snapshot.seconds:.2f} s.")
            if not options["every"]:
                return
            time.sleep(options["every"])
