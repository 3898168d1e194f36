"""`safepassage demo-reregistrations`: some demo households registered a second time by another
organisation, written differently, for the duplicate checks and the review queue."""

from typing import Any

from django.core.management.base import CommandParser

from safepassage.accounts.demo import DemoCommand
from safepassage.intake.demo import load_demo_reregistrations, reregistrations_loaded


class Command(DemoCommand):
    help = "Register again, by another organisation, about one demo household in twelve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=5000,
                            help="The --households given to demo-data.")
        parser.add_argument("--seed", type=int, default=2021, help="The --seed of demo-data.")
        parser.add_argument("--if-none", action="store_true",
                            help="Do nothing if demo re-registrations were loaded before.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_none"] and reregistrations_loaded():
            self.stdout.write("Demo re-registrations were loaded before; kept as they are.")
            return
        added = load_demo_reregistrations(households=options["households"],
                                          seed=options["seed"])
        self.stdout.write(f"Registered {added} demo households a second time.")
