"""`safepassage check-duplicates`: run here, now, the instant duplicate checks still waiting
(the background runner works them as registrations come: `safepassage run-tasks`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safepassage.linkage import services


class Command(BaseCommand):
    help = "Check the registrations still waiting for their duplicate check, then stop."

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = services.pending_checks()
        done = services.run_pending_checks()
        self.stdout.write(f"checked {done} registrations ({waiting} were waiting)")
