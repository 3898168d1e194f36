"""How linkage follows the registry (registry.events, subscribed in LinkageConfig.ready)."""

from __future__ import annotations

import functools

from django.db import transaction

from safepassage.linkage import services, tasks
from safepassage.registry import events
from safepassage.runner import background as runner


def _wake_checker_on_commit(pending: int) -> None:
    # Robust: a wake-up that fails must not turn a committed registration into an error page;
    # the pending rows wait for the runner's periodic check.
    if pending:
        transaction.on_commit(functools.partial(runner.wake, tasks.check_duplicates),
                              robust=True)


def households_registered(event: events.HouseholdsRegistered) -> None:
    """Features and blocking keys of the new persons; a small registration is checked for
    duplicates (see services.record_features)."""
    _wake_checker_on_commit(services.record_features(event.people))


def person_corrected(event: events.PersonCorrected) -> None:
    _wake_checker_on_commit(services.refresh_features([event.person]))
