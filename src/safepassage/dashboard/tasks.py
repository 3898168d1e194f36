"""The dashboard's background work: its figures recomputed on the runner's schedule
(settings.RUNNER_SCHEDULE), so that no page view waits for them."""

from __future__ import annotations

from safepassage.dashboard.selectors import compute_snapshot
from safepassage.runner.background import background_task


@background_task(retries=1, backoff_seconds=10)
def refresh_dashboard() -> float:
    """Recompute the figures; the seconds it took."""
    return compute_snapshot().seconds
