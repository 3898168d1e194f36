"""Resettlement's background work: the week's placement batch on the runner's schedule
(settings.RUNNER_SCHEDULE, decision 0066), when staff have not run one that week."""

from __future__ import annotations

from safepassage.accounts import permissions
from safepassage.resettlement import services
from safepassage.runner.background import background_task


@background_task(retries=2, backoff_seconds=300)
def run_weekly_batch() -> int | None:
    """Run this week's batch if it is due; the batch's id, or None when none was due."""
    batch = services.run_scheduled_batch(actor=permissions.WEEKLY_PLACEMENT)
    return batch.pk if batch is not None else None
