"""How an app declares work for the background runner (in its `tasks.py`) and hands it over.

A background task is a django-tasks Task that retries: a failed attempt is recorded as failed
and enqueued again after a growing delay; when its attempts run out, or the workers running it
died too often (runner.services.recover_abandoned_tasks), its `on_give_up` is told why, so that
what the task was doing is marked failed with a reason instead of staying "running" for ever.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from typing_extensions import ParamSpec

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# Errors that no retry can mend, each with the reason given up, in words for people.
Hopeless = tuple[tuple[type[Exception], StrOrPromise], ...]
# The attempt number travels with a retried task's keyword arguments, under a name no task uses.
ATTEMPT = "_attempt"


@dataclass(frozen=True, slots=True, kw_only=True)
class BackgroundTask(Task[P, T]):
    retries: int = 3
    backoff_seconds: float = 30.0
    max_backoff_seconds: float = 3600.0
    give_up_on: Hopeless = ()
    on_give_up: Callable[..., None] | None = None

    def call(self, *args: P.args, **kwargs: P.kwargs) -> T:
        attempt: int = cast(Any, kwargs).pop(ATTEMPT, 1)
        try:
            return self.func(*args, **kwargs)
        except (KeyboardInterrupt, SystemExit):
            # The worker is being stopped in the middle (a second Ctrl-C): another one takes the
            # task up at once, without spending an attempt.
            self._enqueue_again(args, kwargs, attempt=attempt, delay=0.0)
            raise
        except Exception as error:
            hopeless = next((str(reason) for kind, reason in self.give_up_on
                             if isinstance(error, kind)), "")
            if hopeless:
                self.give_up(hopeless, *args, **kwargs)
                raise
            if attempt > self.retries or not self.get_backend().supports_defer:
                self.give_up(_("it failed %(n)s times on an internal error") % {"n": attempt},
                             *args, **kwargs)
                raise
            delay = self.backoff(attempt)
            logger.warning("task %s failed (attempt %s); again in %.0f s", self.name, attempt,
                           delay)
            self._enqueue_again(args, kwargs, attempt=attempt + 1, delay=delay)
            raise

    def backoff(self, attempt: int) -> float:
        """Seconds before attempt `attempt + 1`: doubling from backoff_seconds, capped."""
        return float(min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds))

    def give_up(self, reason: str, *args: Any, **kwargs: Any) -> None:
        """Tell the app that this task will not be tried again, and why (in words for people)."""
        kwargs.pop(ATTEMPT, None)
        if self.on_give_up is None:
            return
        try:
            self.on_give_up(reason, *args, **kwargs)
        except Exception:
            logger.exception("giving up task %s failed", self.name)

    def _enqueue_again(self, args: Any, kwargs: dict[str, Any], *, attempt: int,
                       delay: float) -> None:
        later = self.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
        later.get_backend().enqueue(later, list(args), {**kwargs, ATTEMPT: attempt})


def background_task(
    *, queue_name: str = "default", priority: int = 0, retries: int = 3,
    backoff_seconds: float = 30.0, give_up_on: Hopeless = (),
    on_give_up: Callable[..., None] | None = None,
) -> Callable[[Callable[P, T]], BackgroundTask[P, T]]:
    """Declare a module-level function as a background task. `on_give_up(reason, *args,
    **kwargs)` is called once when the task will not be tried again, with the reason in words
    for people; `give_up_on` pairs the errors that no retry can mend (a permission withdrawn)
    with that reason: they are given up at once."""

    def declare(func: Callable[P, T]) -> BackgroundTask[P, T]:
        return BackgroundTask(
            func=func, priority=priority, queue_name=queue_name,
            backend=DEFAULT_TASK_BACKEND_ALIAS, takes_context=False, run_after=None,
            retries=retries, backoff_seconds=backoff_seconds, give_up_on=give_up_on,
            on_give_up=on_give_up,
        )

    return declare


def uses_the_database(task: Task[Any, Any]) -> bool:
    """Whether the task's backend keeps tasks in our own database (django-tasks-db)."""
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue(task: Task[P, T], *args: P.args, **kwargs: P.kwargs) -> None:
    """Hand a task to the runner together with the caller's transaction: in the database, the
    task's row commits (or rolls back) with the caller's writes, so no work is lost between the
    two; through a broker, it is sent once they have committed."""
    if uses_the_database(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs))


def wake(task: Task[[], Any]) -> None:
    """Enqueue a task that takes no arguments unless one is already waiting to start: a burst
    of registrations wakes the duplicate checker once, and a periodic task never piles up behind
    a long one."""
    if uses_the_database(task) and DBTaskResult.objects.ready().filter(
            task_path=task.module_path, backend_name=task.backend).exists():
        return
    task.enqueue()
