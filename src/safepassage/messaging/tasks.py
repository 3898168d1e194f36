"""The messaging app's background work on the runner (decision 0030): providers' callbacks
stored by the webhooks, and the fallback of messages not delivered in time."""

from __future__ import annotations

import time

from safepassage.messaging import services, webhooks
from safepassage.runner.background import background_task


@background_task(retries=3, backoff_seconds=5)
def process_webhooks() -> int:
    """Process the stored calls until none is left (or 20 s have passed); the number done."""
    done, stop = 0, time.monotonic() + 20
    while time.monotonic() < stop:
        n = webhooks.process_webhook_calls()
        done += n
        if n == 0:
            break
    return done


@background_task(retries=1, backoff_seconds=10)
def fall_back_undelivered() -> int:
    """Queue each message not delivered in time on the person's next channel, once."""
    return services.fall_back_undelivered()
