"""The runner's own periodic task: forgetting the results of old tasks."""

from __future__ import annotations

from safepassage.runner import services
from safepassage.runner.background import background_task


@background_task(retries=1)
def prune_finished_tasks() -> int:
    return services.prune_finished_tasks()
