"""`safepassage demo-data --households N`: a realistic synthetic population in the registry."""

import time
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from safepassage.accounts.demo import DemoCommand
from safepassage.registry.demo import load_demo_population
from safepassage.registry.models import Case


class Command(DemoCommand):
    help = "Generate and register a synthetic population of Afghan households (demo, benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if the registry already holds cases.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Case.objects.exists():
            self.stdout.write(f"Registry already holds {Case.objects.count()} cases; kept as is.")
            return
        started = time.monotonic()
        with tqdm(total=options["households"], unit="household", disable=None) as bar:
            created = load_demo_population(
                households=options["households"], seed=options["seed"],
                progress=bar.update,
            )
        self.stdout.write(
            f"Registered {created} demo households in {time.monotonic() - started:.1f} s."
        )
