"""The runner's own writes: workers' heartbeats, taking up the tasks of a worker that died,
enqueueing the periodic tasks when due, forgetting old results, and recording a task that a
command runs in its own process.

django-tasks-db marks a claimed task RUNNING and nothing more: a worker killed in the middle
leaves it RUNNING for ever (django-tasks-db issue #5). Here each worker keeps a heartbeat; a task
whose worker has not been seen for a lease (settings.RUNNER_LEASE_SECONDS) is made ready again,
for any worker to take up, or given up with its reason once its workers died
settings.RUNNER_MAX_CLAIMS times (a file that kills every worker that reads it must not kill
them for ever).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks.utils import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from safepassage.runner.background import BackgroundTask, uses_the_database, wake
from safepassage.runner.models import Schedule, Worker

logger = logging.getLogger(__name__)


class WorkerLost(RuntimeError):
    """Recorded as the error of a task given up because the workers running it died."""


def new_worker_id(kind: str = "worker") -> str:
    return f"{kind}-{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"[:64]


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.RUNNER_LEASE_SECONDS)


def register_worker(*, worker_id: str, queues: str = "") -> None:
    """`queues` as --queue-name gives them ("*" for all); none for a command running its own
    task."""
    now = timezone.now()
    Worker.objects.update_or_create(worker_id=worker_id, defaults={
        "hostname": socket.gethostname()[:255], "pid": os.getpid(), "queues": queues[:200],
        "started_at": now, "seen_at": now})


def beat(*, worker_id: str) -> None:
    """The worker is alive. A worker taken for dead after a long pause comes back here; the
    tasks it held were meanwhile given to others (which is why tasks must be safe to run
    twice)."""
    if not Worker.objects.filter(worker_id=worker_id).update(seen_at=timezone.now()):
        register_worker(worker_id=worker_id)


def forget_worker(*, worker_id: str) -> None:
    Worker.objects.filter(worker_id=worker_id).delete()


@dataclass
class Recovery:
    taken_up: int = 0
    given_up: int = 0


def recover_abandoned_tasks(*, now: dt.datetime | None = None) -> Recovery:
    """Make ready again each running task whose worker is no longer seen, or give it up (with
    its reason, through the task's on_give_up) when its workers died RUNNER_MAX_CLAIMS times.
    A task claimed less than a lease ago is never taken from its worker."""
    now = now or timezone.now()
    stale = now - lease()
    recovery = Recovery()
    with transaction.atomic():
        alive = set(Worker.objects.filter(seen_at__gte=stale)
                    .values_list("worker_id", flat=True))
        running = (DBTaskResult.objects.running().filter(started_at__lt=stale)
                   .select_for_update(skip_locked=True))
        for result in running:
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            claims = len(result.worker_ids)
            if claims < settings.RUNNER_MAX_CLAIMS:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                recovery.taken_up += 1
                logger.warning("task %s (%s) taken up again: its worker is gone",
                               result.pk, result.task_path)
                continue
            reason = _("the process running it stopped %(n)s times (restarted, killed or out "
                       "of memory)") % {"n": claims}
            result.set_failed(WorkerLost(reason))
            _give_up(result, reason)
            recovery.given_up += 1
            logger.error("task %s (%s) given up: its workers died %s times",
                         result.pk, result.task_path, claims)
        Worker.objects.filter(seen_at__lt=stale).delete()
    return recovery


def _give_up(result: DBTaskResult[Any, Any], reason: str) -> None:
    try:
        task = import_string(result.task_path)
    except ImportError:
        return
    if isinstance(task, BackgroundTask):
        task.give_up(reason, *result.args_kwargs["args"], **result.args_kwargs["kwargs"])


def enqueue_due_schedules(*, now: dt.datetime | None = None) -> list[str]:
    """Enqueue each periodic task of settings.RUNNER_SCHEDULE that is due (unless one is still
    waiting to start), and set when it is due next. Several workers may call this at once: the
    rows of the due tasks are locked, so each is enqueued once. The tasks enqueued."""
    now = now or timezone.now()
    every: dict[str, float] = settings.RUNNER_SCHEDULE
    enqueued = []
    with transaction.atomic():
        known = set(Schedule.objects.values_list("task_path", flat=True))
        Schedule.objects.bulk_create(
            [Schedule(task_path=path, next_run_at=now) for path in every if path not in known],
            ignore_conflicts=True)
        due = (Schedule.objects.filter(task_path__in=every, next_run_at__lte=now)
               .select_for_update(skip_locked=True))
        for schedule in due:
            wake(import_string(schedule.task_path))
            schedule.next_run_at = now + dt.timedelta(seconds=every[schedule.task_path])
            schedule.save(update_fields=["next_run_at"])
            enqueued.append(schedule.task_path)
    return enqueued


def prune_finished_tasks(*, now: dt.datetime | None = None) -> int:
    """Forget the results of tasks that succeeded more than RUNNER_KEEP_SUCCEEDED_DAYS ago and
    of those that failed more than RUNNER_KEEP_FAILED_DAYS ago. The number forgotten."""
    now = now or timezone.now()
    succeeded = DBTaskResult.objects.successful().filter(
        finished_at__lt=now - dt.timedelta(days=settings.RUNNER_KEEP_SUCCEEDED_DAYS))
    failed = DBTaskResult.objects.failed().filter(
        finished_at__lt=now - dt.timedelta(days=settings.RUNNER_KEEP_FAILED_DAYS))
    return succeeded.delete()[0] + failed.delete()[0]


class Heartbeat(threading.Thread):
    """Beats for a worker every sixth of a lease, in a thread of its own so that a long task
    keeps its lease. A worker's heartbeat also keeps the runner: it takes up the tasks of dead
    workers and enqueues the periodic tasks that are due."""

    def __init__(self, *, worker_id: str, keep_the_runner: bool = False) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.keep_the_runner = keep_the_runner
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(settings.RUNNER_LEASE_SECONDS / 6):
                close_old_connections()
                try:
                    beat(worker_id=self.worker_id)
                    if self.keep_the_runner:
                        recover_abandoned_tasks()
                        enqueue_due_schedules()
                except Exception:  # the database away for a moment: beat again next time
                    logger.exception("heartbeat of %s failed", self.worker_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=settings.RUNNER_LEASE_SECONDS)


@dataclass
class TaskHere:
    """What the work done in run_here returns, recorded as the task's result."""

    worker_id: str = ""
    return_value: Any = None


@contextmanager
def run_here(task: BackgroundTask[Any, Any], *args: Any, **kwargs: Any) -> Iterator[TaskHere]:
    """Do the work of `task(*args, **kwargs)` in this process (a command that runs to the end),
    recorded as the runner's task, claimed by this process, which beats while it works: if the
    process is killed, a worker takes the task up like any other. An error or Ctrl-C in the
    work gives it up (with its reason, through the task's on_give_up)."""
    here = TaskHere()
    if not uses_the_database(task):
        yield here
        return
    here.worker_id = new_worker_id("command")
    register_worker(worker_id=here.worker_id)
    record = DBTaskResult.objects.create(
        id=uuid.uuid4(), args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
        priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
        backend_name=task.backend, run_after=get_date_max(), status=TaskResultStatus.RUNNING,
        started_at=timezone.now(), worker_ids=[here.worker_id],
    )
    heartbeat = Heartbeat(worker_id=here.worker_id)
    heartbeat.start()
    try:
        yield here
    except KeyboardInterrupt as stopped:
        record.set_failed(stopped)
        task.give_up(_("it was stopped on the command line"), *args, **kwargs)
        raise
    except Exception as error:
        record.set_failed(error)
        task.give_up(_("it failed on an internal error"), *args, **kwargs)
        raise
    else:
        record.set_successful(normalize_json(here.return_value))
    finally:
        heartbeat.stop()
        forget_worker(worker_id=here.worker_id)
