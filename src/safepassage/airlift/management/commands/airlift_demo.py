"""`safepassage airlift-demo`: demo flights and readiness dates for approved cases."""

from typing import Any

from django.core.management.base import CommandParser

from safepassage.accounts.demo import DemoCommand
from safepassage.airlift.demo import load_demo_airlift
from safepassage.airlift.models import Flight


class Command(DemoCommand):
    help = "Create the August 2021 demo flights and readiness dates for approved cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if flights exist already.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Flight.objects.exists():
            self.stdout.write(f"{Flight.objects.count()} flights exist already; kept as is.")
            return
        flights, ready = load_demo_airlift(seed=options["seed"])
        self.stdout.write(f"Created {flights} demo flights and {ready} readiness dates.")
