"""What the health and metrics endpoints read: is the service ready, how long are the queues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from safepassage.linkage.models import CandidatePair, PairStatus
from safepassage.messaging.models import ACTIVE_STATES, Message
from safepassage.registry.models import Case
from safepassage.runner.selectors import a_worker_is_alive


@dataclass(frozen=True)
class QueueState:
    outbox_waiting: int
    outbox_oldest_seconds: float
    tasks_waiting: int
    tasks_oldest_seconds: float
    registrations: int
    review_queue: int


def _age(moment: dt.datetime | None, now: dt.datetime) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0


def _oldest_task(now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Tasks due and not yet taken by a worker (django-tasks-db's table), and since when the
    oldest has been due: since it was enqueued, or since its run_after for a deferred one."""
    ready = DBTaskResult.objects.ready()
    at_once = ready.filter(run_after=get_date_max()).aggregate(
        n=Count("pk"), oldest=Min("enqueued_at"))
    deferred = ready.exclude(run_after=get_date_max()).aggregate(
        n=Count("pk"), oldest=Min("run_after"))
    oldest = [t for t in (at_once["oldest"], deferred["oldest"]) if t is not None]
    return at_once["n"] + deferred["n"], min(oldest) if oldest else None


def queue_state() -> QueueState:
    now = timezone.now()
    outbox = Message.objects.filter(state__in=ACTIVE_STATES)
    due = outbox.filter(next_attempt_at__lte=now).aggregate(oldest=Min("next_attempt_at"))
    tasks, oldest_task = _oldest_task(now)
    return QueueState(
        outbox_waiting=outbox.count(),
        outbox_oldest_seconds=_age(due["oldest"], now),
        tasks_waiting=tasks,
        tasks_oldest_seconds=_age(oldest_task, now),
        registrations=Case.objects.count(),
        review_queue=CandidatePair.objects.filter(status=PairStatus.PENDING).count(),
    )


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def readiness() -> list[Check]:
    """Ready means: the database answers, a task worker's heartbeat is fresh for every queue
    and no task has waited longer than the limit, and the outbox is not falling behind."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        state = queue_state()
    except Exception as error:
        return [Check("database", False, type(error).__name__)]
    checks = [Check("database", True, connection.vendor)]
    task_limit = settings.OPERATIONS_TASK_LAG_SECONDS
    silent = [q for q in settings.TASKS["default"]["QUEUES"]
              if not a_worker_is_alive(queue_name=q)]
    checks.append(Check(
        "task_worker", not silent and state.tasks_oldest_seconds <= task_limit,
        (f"no worker's heartbeat for the queues {', '.join(silent)}; " if silent else "")
        + f"{state.tasks_waiting} waiting, oldest {state.tasks_oldest_seconds:.0f} s "
        f"(limit {task_limit} s)",
    ))
    outbox_limit = settings.OPERATIONS_OUTBOX_LAG_SECONDS
    checks.append(Check(
        "outbox", state.outbox_oldest_seconds <= outbox_limit,
        f"{state.outbox_waiting} waiting, oldest due {state.outbox_oldest_seconds:.0f} s "
        f"(limit {outbox_limit} s)",
    ))
    return checks
