"""`safepassage rescore`: score every case under the rules in force, in bulk."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from safepassage.triage import services


class Command(BaseCommand):
    help = "Re-score every case under the rule set in force (overrides stay; statuses unchanged)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = services.rescore_cases(actor="command:rescore")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(str(summary))
