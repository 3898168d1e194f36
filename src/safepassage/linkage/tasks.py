"""Linkage's background work: the instant duplicate checks of new registrations, after their
commit (woken by each registration, and every minute for any wake-up lost)."""

from __future__ import annotations

from safepassage.linkage import services
from safepassage.runner import background as runner
from safepassage.runner.background import background_task

# Checks worked by one task: a surge's backlog is worked in tasks of this size, so that the short
# tasks queued behind (the dashboard's figures) wait at most one of them.
CHECKS_PER_TASK = 500


@background_task(retries=3, backoff_seconds=10)
def check_duplicates() -> int:
    """Check the registrations waiting for their duplicate check (services.run_pending_checks),
    oldest first; if more are waiting, the next task takes them. The number checked."""
    checked = services.run_pending_checks(limit=CHECKS_PER_TASK)
    if checked == CHECKS_PER_TASK and services.pending_checks():
        runner.wake(check_duplicates)
    return checked
