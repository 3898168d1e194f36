"""`safepassage refresh-dashboard`: recompute the dashboard's aggregates now (the background
runner also does it every SAFEPASSAGE_DASHBOARD_REFRESH_SECONDS)."""

from typing import Any

from django.core.management.base import BaseCommand

from safepassage.dashboard.selectors import compute_snapshot


class Command(BaseCommand):
    help = "Recompute the aggregates behind the operations dashboard once."

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = compute_snapshot()
        self.stdout.write(f"Dashboard figures computed in {snapshot.seconds:.2f} s.")
