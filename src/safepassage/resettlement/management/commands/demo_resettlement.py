"""`safepassage demo-resettlement`: the phase after the flight for the demo's flown households."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safepassage.resettlement.demo import load_demo_resettlement
from safepassage.resettlement.models import Programme


class Command(BaseCommand):
    help = ("Reconcile the demo's arrivals, put households in hotels and bases, place them with "
            "hosts and record their milestones (resettled cases have every required one done).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if a resettlement programme exists already.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Programme.objects.exists():
            self.stdout.write("Resettlement data exist already; kept as is.")
            return
        loaded = load_demo_resettlement(seed=options["seed"])
        self.stdout.write(
            f"Resettlement demo: {loaded.households} households arrived, "
            f"{loaded.in_accommodation} still in temporary accommodation, {loaded.placed} "
            f"placed with a host, {loaded.resettled} resettled.")
