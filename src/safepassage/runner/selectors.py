"""What the runner can tell a page: whether a worker is alive to take the work."""

from __future__ import annotations

from django.utils import timezone

from safepassage.runner.models import Worker
from safepassage.runner.services import lease


def a_worker_is_alive(*, queue_name: str) -> bool:
    """Whether a `run-tasks` worker that works this queue beat within a lease."""
    recent = Worker.objects.filter(seen_at__gte=timezone.now() - lease())
    return any(queues == "*" or queue_name in queues.split(",")
               for queues in recent.values_list("queues", flat=True))
