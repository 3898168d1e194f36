"""`safepassage rescore [--unscored]`: score cases under the rules in force, in bulk."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safepassage.accounts import permissions
from safepassage.registry.models import Case
from safepassage.triage import services


class Command(BaseCommand):
    help = "Re-score every case under the rule set in force (overrides stay; statuses unchanged)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unscored", action="store_true",
                            help="score only cases never scored yet (new registrations); "
                                 "cheap enough to run every minute")

    def handle(self, *args: Any, **options: Any) -> None:
        case_ids = None
        if options["unscored"]:
            case_ids = list(Case.objects.filter(assessment__isnull=True)
                            .values_list("pk", flat=True))
        try:
            summary = services.rescore_cases(actor=permissions.TRIAGE, case_ids=case_ids)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(str(summary))
