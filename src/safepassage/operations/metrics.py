"""Prometheus metrics: requests and latency by view (counted in each server process) and the
state of the queues, read from the database when /metrics is scraped.

Under gunicorn, each worker process keeps its own counters; with PROMETHEUS_MULTIPROC_DIR set
(the systemd unit sets it) they are written there and summed at scrape time, so whichever worker
answers the scrape reports every worker's requests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from safepassage.operations import selectors

REQUESTS = Counter(
    "safepassage_http_requests", "HTTP requests answered, by view, method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "safepassage_http_request_duration_seconds", "Time to answer a request, by view.",
    ["view"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def observe_request(*, view: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


class QueueCollector(Collector):
    """Figures read from the database at each scrape: they are the same whichever process
    answers, so they are never summed across processes."""

    def collect(self) -> Iterator[Metric]:
        state = selectors.queue_state()
        figures = [
            ("safepassage_outbox_messages_waiting", "Messages queued or being sent.",
             state.outbox_waiting),
            ("safepassage_outbox_oldest_waiting_seconds",
             "Age of the oldest message due and not yet sent (0 when none).",
             state.outbox_oldest_seconds),
            ("safepassage_tasks_waiting", "Background tasks waiting for the task worker.",
             state.tasks_waiting),
            ("safepassage_tasks_oldest_waiting_seconds",
             "Age of the oldest background task waiting (0 when none).",
             state.tasks_oldest_seconds),
            ("safepassage_registrations", "Cases registered (one per household).",
             state.registrations),
            ("safepassage_review_queue_pairs",
             "Possible duplicates waiting for a caseworker's decision.", state.review_queue),
        ]
        for name, documentation, value in figures:
            yield GaugeMetricFamily(name, documentation, value=value)


def render() -> bytes:
    """The text exposition of every metric, as Prometheus scrapes it."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped upstream
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(QueueCollector())
    return generate_latest(registry)
