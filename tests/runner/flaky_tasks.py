"""Background tasks for the runner's own tests: one that fails until its n-th attempt."""

from __future__ import annotations

from safepassage.runner.background import background_task

attempts: dict[str, int] = {}
given_up: list[tuple[str, str]] = []


def _given_up(reason: str, key: str, succeeds_on: int) -> None:
    given_up.append((key, reason))


@background_task(retries=2, backoff_seconds=10, on_give_up=_given_up)
def fails_until(key: str, succeeds_on: int) -> int:
    """Fails (as a provider that is away would) until attempt `succeeds_on`; the attempts."""
    attempts[key] = attempts.get(key, 0) + 1
    if attempts[key] < succeeds_on:
        raise ConnectionError("the provider is away")
    return attempts[key]
