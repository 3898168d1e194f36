"""`safepassage demo-circumstances`: what caseworkers would have recorded on the demo cases."""

from typing import Any

from django.core.management.base import CommandParser

from safepassage.accounts.demo import DemoCommand
from safepassage.triage.demo import demo_circumstances
from safepassage.triage.models import CaseCircumstance


class Command(DemoCommand):
    help = "Record demo circumstances (verified service, medical urgency, threats) on demo cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing if circumstances are already recorded.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and CaseCircumstance.objects.exists():
            self.stdout.write("Circumstances already recorded; kept as they are.")
            return
        self.stdout.write(f"Recorded {demo_circumstances(seed=options['seed'])} demo "
                          "circumstances.")
