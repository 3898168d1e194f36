"""`safepassage verify-audit`: check every hash chain of the audit trail; name the first break."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safepassage.audit.models import AuditEntry
from safepassage.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains; name the first entry altered, removed or added."

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = verify_chain()
        if breaks:
            for item in breaks:
                self.stderr.write(f"BROKEN: {item}")
            raise CommandError(f"Audit trail broken in {len(breaks)} lane(s); first: {breaks[0]}")
        count = AuditEntry.objects.count()
        self.stdout.write(f"Audit trail intact: {count} entries verified.")
